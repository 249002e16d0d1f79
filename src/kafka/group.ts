/**
 * Group membership with Kafka's classic protocol: JoinGroup (protocol type 'consumer'), SyncGroup with our own
 * assignment (the leader gives every subscribed partition to itself: one member for now), and a Heartbeat loop
 * that rejoins on a rebalance. Commits carry the member's generation id and member id, so the coordinator fences
 * a zombie whose generation is stale. Subscription and assignment are encoded in Kafka's ConsumerProtocol v0
 * layout, so Kafka's tools (kafka-consumer-groups.sh) can describe the group.
 */
import { heartbeatV4, joinGroupV9, leaveGroupV5, syncGroupV5 } from '@platformatic/kafka';
import { LogStoreError } from '../log-client/errors.ts';
import type { TopicPartition } from '../log-client/types.ts';
import { describeError, isRetriable, protocolErrorId, type KafkaClient } from './client.ts';

export interface GroupOptions {
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  onLog?: (line: string) => void;
}

const PROTOCOL = 'stream';

export class GroupMember {
  memberId = '';
  generationId = -1;
  private assigned: TopicPartition[] = [];
  private timer: NodeJS.Timeout | null = null;
  private joining: Promise<void> | null = null;
  private closed = false;
  /** Set when the coordinator said this member's generation is gone (a newer member took over). */
  lostAt: number | null = null;

  constructor(private readonly client: KafkaClient, readonly groupId: string, private topics: string[], private readonly o: GroupOptions) {}

  get assignment(): TopicPartition[] {
    return this.assigned;
  }

  /** Joins (or rejoins) the group and waits until the member has a generation. */
  join(topics?: string[]): Promise<void> {
    if (topics) this.topics = [...new Set([...this.topics, ...topics])].sort();
    this.joining ??= this.doJoin().finally(() => { this.joining = null; });
    return this.joining;
  }

  private async doJoin(): Promise<void> {
    const metadata = encodeSubscription(this.topics);
    for (let attempt = 0; ; attempt++) {
      try {
        const coord = await this.client.retry(`find the coordinator of group '${this.groupId}'`, () => this.client.coordinator(0, this.groupId));
        const conn = await this.client.connection(coord, 'group');
        const join = await joinGroupV9.api.async(conn, this.groupId, this.o.sessionTimeoutMs, this.o.rebalanceTimeoutMs, this.memberId, null, 'consumer',
          [{ name: PROTOCOL, metadata }], 'tributary stream thread');
        this.memberId = join.memberId ?? this.memberId;
        const isLeader = join.leader === this.memberId;
        const assignments = isLeader ? await this.assign(join.members.map((m) => m.memberId)) : [];
        const sync = await syncGroupV5.api.async(conn, this.groupId, join.generationId, this.memberId, null, 'consumer', PROTOCOL, assignments);
        this.generationId = join.generationId;
        this.assigned = decodeAssignment(sync.assignment);
        this.lostAt = null;
        this.o.onLog?.(`kafka: joined group '${this.groupId}' as ${this.memberId} (generation ${this.generationId}, ${join.members.length} member(s))`);
        this.scheduleHeartbeat();
        return;
      } catch (e) {
        const id = protocolErrorId(e);
        if (id === 'MEMBER_ID_REQUIRED') {
          this.memberId = (e as { response?: { memberId?: string } }).response?.memberId ?? this.memberId;
          continue;
        }
        if (id === 'UNKNOWN_MEMBER_ID' || id === 'FENCED_INSTANCE_ID') { this.memberId = ''; continue; }
        if ((id === 'REBALANCE_IN_PROGRESS' || id === 'ILLEGAL_GENERATION' || id === 'NOT_COORDINATOR' || id === 'COORDINATOR_NOT_AVAILABLE'
          || id === 'COORDINATOR_LOAD_IN_PROGRESS' || (id === null && isRetriable(e))) && attempt < 200 && !this.closed) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        if (e instanceof LogStoreError) throw e;
        const refused = this.client.explain(e, `joining consumer group '${this.groupId}'`);
        if (refused) throw Object.assign(new LogStoreError('NOT_AUTHORIZED', refused), { apiId: id ?? undefined });
        throw new LogStoreError('REMOTE',
          `joining consumer group '${this.groupId}' on Kafka at ${this.client.where} failed: ${describeError(e)}`);
      }
    }
  }

  /** One member for now: the leader takes every partition of the subscribed topics; other members get none. */
  private async assign(members: string[]): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const mine: TopicPartition[] = [];
    for (const t of this.topics) {
      const meta = await this.client.topic(t);
      if (meta) for (let p = 0; p < meta.leaders.length; p++) mine.push({ topic: t, partition: p });
    }
    return members.map((m) => ({ memberId: m, assignment: encodeAssignment(m === this.memberId ? mine : []) }));
  }

  private scheduleHeartbeat(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => void this.heartbeat(), Math.max(100, Math.floor(this.o.sessionTimeoutMs / 3)));
    this.timer.unref();
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.joining) return;
    try {
      const coord = await this.client.coordinator(0, this.groupId);
      await heartbeatV4.api.async(await this.client.connection(coord, 'group'), this.groupId, this.generationId, this.memberId, null);
      this.scheduleHeartbeat();
    } catch (e) {
      if (this.closed) return;
      const id = protocolErrorId(e);
      if (id === 'UNKNOWN_MEMBER_ID' || id === 'ILLEGAL_GENERATION' || id === 'FENCED_INSTANCE_ID') {
        this.lostAt = Date.now();
        this.o.onLog?.(`kafka: member ${this.memberId} of group '${this.groupId}' lost its generation ${this.generationId} (${id}); rejoining`);
        if (id === 'UNKNOWN_MEMBER_ID') this.memberId = '';
      }
      if (id === 'REBALANCE_IN_PROGRESS' || this.lostAt !== null) {
        this.join().catch((err: unknown) => this.o.onLog?.(`kafka: rejoining group '${this.groupId}' failed: ${(err as Error).message}`));
        return;
      }
      this.scheduleHeartbeat();
    }
  }

  async leave(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.memberId) return;
    try {
      const coord = await this.client.coordinator(0, this.groupId);
      await leaveGroupV5.api.async(await this.client.connection(coord, 'group'), this.groupId, [{ memberId: this.memberId, reason: 'tributary closed' }]);
    } catch {
      // the session timeout removes the member anyway
    }
  }
}

/** ConsumerProtocolSubscription v0: version, topics, user data (null). */
function encodeSubscription(topics: string[]): Buffer {
  const parts: Buffer[] = [int16(0), int32(topics.length)];
  for (const t of topics) parts.push(str(t));
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

/** ConsumerProtocolAssignment v0: version, [topic, [partition]], user data (null). */
function encodeAssignment(tps: TopicPartition[]): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
  const parts: Buffer[] = [int16(0), int32(byTopic.size)];
  for (const [t, ps] of byTopic) {
    parts.push(str(t), int32(ps.length));
    for (const p of ps) parts.push(int32(p));
  }
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

function decodeAssignment(b: Buffer): TopicPartition[] {
  if (!b || b.length < 6) return [];
  let pos = 2;
  const out: TopicPartition[] = [];
  const n = b.readInt32BE(pos); pos += 4;
  for (let i = 0; i < n; i++) {
    const len = b.readInt16BE(pos); pos += 2;
    const topic = b.toString('utf8', pos, pos + len); pos += len;
    const m = b.readInt32BE(pos); pos += 4;
    for (let j = 0; j < m; j++) { out.push({ topic, partition: b.readInt32BE(pos) }); pos += 4; }
  }
  return out;
}

function int16(n: number): Buffer { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; }
function int32(n: number): Buffer { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; }
function str(s: string): Buffer { const v = Buffer.from(s, 'utf8'); return Buffer.concat([int16(v.length), v]); }
