/**
 * Group membership with Kafka's classic protocol (protocol type 'consumer'): JoinGroup, SyncGroup with the leader's
 * assignment, a Heartbeat timer, LeaveGroup. ClassicGroup is the state machine; a subclass says what it subscribes
 * to, how the leader assigns and what it does with its assignment: GroupMember (plain consumer groups, Kafka's
 * RangeAssignor) here and ClassicStreamsMember (stream threads, classic-member.ts).
 * Commits carry the member's generation id and member id (commitMetadata), so the coordinator refuses a zombie's.
 * JoinGroup and SyncGroup wait on the broker for the other members, and a broker answers one request per
 * connection at a time: each member joins on a connection of its own, so members in one client never wait on
 * each other's join.
 */
import { heartbeatV4, joinGroupV9, leaveGroupV5, syncGroupV5 } from '@platformatic/kafka';
import { LogStoreError } from '../log-client/errors.ts';
import type { TopicPartition } from '../log-client/types.ts';
import { describeError, isRetriable, protocolErrorId, type KafkaClient } from './client.ts';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, rangeAssign } from './consumer-protocol.ts';

export interface GroupOptions {
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** Heartbeat period; default min(3000, session timeout / 3) (Kafka's heartbeat.interval.ms is 3000). */
  heartbeatIntervalMs?: number;
  onLog?: (line: string) => void;
  /** Called when the member leaves (the client forgets it). */
  onLeave?: () => void;
}

/** Errors of a heartbeat or commit that mean this member's generation is gone. */
/** Commit refusals that mean the member is out of the group's current generation (classic) or epoch (streams). */
export const FENCING_ERRORS = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID', 'FENCED_MEMBER_EPOCH', 'STALE_MEMBER_EPOCH']);

export abstract class ClassicGroup {
  memberId = '';
  generationId = -1;
  /** The coordinator asked this member to rejoin (a member joined or left): commit, then rejoin. */
  rebalanceRequested = false;
  /** The coordinator no longer knows this member's generation (session expired, kicked out): its work is lost. */
  lost = false;
  private timer: NodeJS.Timeout | null = null;
  private joining: Promise<Buffer> | null = null;
  private heartbeatsPaused = false;
  protected closed = false;
  private readonly joinPool: string;

  constructor(protected readonly client: KafkaClient, readonly groupId: string, protected readonly o: GroupOptions) {
    this.joinPool = `join:${groupId}:${Math.random().toString(36).slice(2)}`;
  }

  /** The protocol name (Kafka: the assignor's name) and this member's subscription. */
  protected abstract protocol(): { name: string; metadata: Buffer };
  /** The leader's assignment: every member's assignment bytes. */
  protected abstract assign(members: Array<{ memberId: string; metadata: Buffer | null }>): Promise<Array<{ memberId: string; assignment: Buffer }>>;
  /** A heartbeat said the group rebalances: the plain consumer rejoins at once, a stream thread commits first. */
  protected abstract onRebalanceRequested(): void;
  /** A heartbeat said this member is gone. */
  protected abstract onLost(reason: string): void;

  /** The member id and generation every offset commit and TxnOffsetCommit of this group carries. */
  commitMetadata(): { memberId: string; generationId: number } {
    return { memberId: this.memberId, generationId: this.generationId };
  }

  /** Joins (or rejoins) the group; resolves with this member's assignment bytes. */
  protected joinGroup(): Promise<Buffer> {
    this.joining ??= this.doJoin().finally(() => { this.joining = null; });
    return this.joining;
  }

  private async doJoin(): Promise<Buffer> {
    if (this.timer) clearTimeout(this.timer);
    let otherProtocolSince: number | null = null;
    let otherProtocolLogged = false;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new LogStoreError('CLOSED', `member ${this.memberId || '(none yet)'} of group '${this.groupId}' left the group: it cannot join again`);
      const { name, metadata } = this.protocol();
      try {
        const coord = await this.client.retry(`find the coordinator of group '${this.groupId}'`, () => this.client.coordinator(0, this.groupId));
        const conn = await this.client.connection(coord, this.joinPool, this.o.rebalanceTimeoutMs + 10_000);
        const join = await joinGroupV9.api.async(conn, this.groupId, this.o.sessionTimeoutMs, this.o.rebalanceTimeoutMs, this.memberId, null, 'consumer',
          [{ name, metadata }], 'tributary member (re)joining');
        this.memberId = join.memberId ?? this.memberId;
        const isLeader = join.leader === this.memberId;
        const assignments = isLeader ? await this.assign(join.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata }))) : [];
        const sync = await syncGroupV5.api.async(conn, this.groupId, join.generationId, this.memberId, null, 'consumer', name, assignments);
        this.generationId = join.generationId;
        if (this.closed) {
          // left while this join was in flight: leave now, so the group does not wait for a session timeout
          await this.sendLeave();
          throw new LogStoreError('CLOSED', `member ${this.memberId} of group '${this.groupId}' left the group while it was joining`);
        }
        this.lost = false;
        this.rebalanceRequested = false;
        this.o.onLog?.(`kafka: joined group '${this.groupId}' as ${this.memberId} (generation ${this.generationId}, ${join.members.length} member(s)${isLeader ? ', leader' : ''})`);
        this.scheduleHeartbeat();
        return sync.assignment;
      } catch (e) {
        const id = protocolErrorId(e);
        // ours (the leader could not read a member's subscription, the client closed): says what to do already
        if (e instanceof LogStoreError && id === null) throw e;
        if (id === 'MEMBER_ID_REQUIRED') {
          this.memberId = (e as { response?: { memberId?: string } }).response?.memberId ?? this.memberId;
          continue;
        }
        if (id === 'UNKNOWN_MEMBER_ID' || id === 'FENCED_INSTANCE_ID') { this.memberId = ''; continue; }
        if ((id === 'REBALANCE_IN_PROGRESS' || id === 'ILLEGAL_GENERATION' || id === 'NOT_COORDINATOR' || id === 'COORDINATOR_NOT_AVAILABLE'
          || id === 'COORDINATOR_LOAD_IN_PROGRESS' || (id === null && isRetriable(e))) && attempt < 200) {
          if (id === 'NOT_COORDINATOR' || id === 'COORDINATOR_NOT_AVAILABLE' || id === null) this.client.forgetCoordinator(this.groupId);
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        // A group of this id under another protocol with live members (a streams group, or instances whose
        // session has not expired yet): the broker replaces an empty one, so wait for it to empty for a while.
        if (id === 'GROUP_ID_NOT_FOUND' && Date.now() - (otherProtocolSince ??= Date.now()) < this.o.sessionTimeoutMs + 60_000) {
          if (!otherProtocolLogged) {
            otherProtocolLogged = true;
            this.o.onLog?.(`kafka: group '${this.groupId}' exists under another protocol with members (instances running with groupProtocol ` +
              `'streams', or stopped ones whose session has not expired): waiting for it to empty (${describeError(e)}). Run every instance with the same groupProtocol.`);
          }
          await new Promise((r) => setTimeout(r, 2000));
          continue;
        }
        if (e instanceof LogStoreError) throw e;
        const refused = this.client.explain(e, `joining group '${this.groupId}'`);
        if (refused) throw Object.assign(new LogStoreError('NOT_AUTHORIZED', refused), { apiId: id ?? undefined });
        throw new LogStoreError('GROUP',
          `joining group '${this.groupId}' on Kafka at ${this.client.where} failed: ${describeError(e)}${id === 'INCONSISTENT_GROUP_PROTOCOL' ? ' (another kind of client, or a consumer and a stream app, use this group id: give each its own group id)' : ''}`);
      }
    }
  }

  private scheduleHeartbeat(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.closed) return;
    const every = this.o.heartbeatIntervalMs ?? Math.min(3000, Math.max(100, Math.floor(this.o.sessionTimeoutMs / 3)));
    this.timer = setTimeout(() => void this.heartbeat(), every);
    this.timer.unref();
  }

  /** Test hook: stops (or resumes) heartbeats, as a process that stalls (GC pause, SIGSTOP) would. */
  pauseHeartbeats(paused: boolean): void {
    this.heartbeatsPaused = paused;
    if (!paused && !this.lost && !this.joining) this.scheduleHeartbeat();
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.joining || this.lost) return;
    if (this.heartbeatsPaused) { this.scheduleHeartbeat(); return; }
    const generation = this.generationId;
    try {
      const coord = await this.client.coordinator(0, this.groupId);
      await heartbeatV4.api.async(await this.client.connection(coord, 'group'), this.groupId, generation, this.memberId, null);
      this.scheduleHeartbeat();
    } catch (e) {
      if (this.closed || this.joining || generation !== this.generationId) return;
      const id = protocolErrorId(e);
      if (id && FENCING_ERRORS.has(id)) {
        this.markLost(`the coordinator answered a heartbeat with ${id}`);
        return;
      }
      if (id === 'REBALANCE_IN_PROGRESS') {
        // keep heartbeating: the session stays alive while the member finishes its work before rejoining
        if (!this.rebalanceRequested) this.o.onLog?.(`kafka: group '${this.groupId}' is rebalancing; member ${this.memberId} will rejoin`);
        this.rebalanceRequested = true;
        this.scheduleHeartbeat();
        this.onRebalanceRequested();
        return;
      }
      if (id === 'NOT_COORDINATOR' || id === 'COORDINATOR_NOT_AVAILABLE' || id === null) this.client.forgetCoordinator(this.groupId);
      this.scheduleHeartbeat();
    }
  }

  /** The member's generation is gone (a heartbeat or a commit said so); it keeps its stale ids, so commits stay refused. */
  markLost(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    if (this.timer) clearTimeout(this.timer);
    this.o.onLog?.(`kafka: member ${this.memberId} of group '${this.groupId}' lost its generation ${this.generationId}: ${reason}`);
    this.onLost(reason);
  }

  /** A commit of this member was refused: fencing errors lose the member, REBALANCE_IN_PROGRESS asks it to rejoin. */
  commitRefused(errorId: string): void {
    if (FENCING_ERRORS.has(errorId)) this.markLost(`a commit was refused with ${errorId}`);
    else if (errorId === 'REBALANCE_IN_PROGRESS' && !this.rebalanceRequested) {
      this.rebalanceRequested = true;
      this.onRebalanceRequested();
    }
  }

  async leave(): Promise<void> {
    if (this.closed) return;
    this.o.onLeave?.();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sendLeave();
    // a join in flight is answered on its own connection: it closes once that join is done
    if (!this.joining) await this.client.closePool(this.joinPool);
    else void this.joining.catch(() => undefined).finally(() => this.client.closePool(this.joinPool));
  }

  private async sendLeave(): Promise<void> {
    if (!this.memberId || this.lost) return;
    try {
      const coord = await this.client.coordinator(0, this.groupId);
      await leaveGroupV5.api.async(await this.client.connection(coord, 'group'), this.groupId, [{ memberId: this.memberId, reason: 'tributary member closed' }]);
    } catch {
      // the session timeout removes the member anyway
    }
  }
}

const RANGE = 'range';

/** A plain consumer group member (log.consumer({ groupId })): Kafka's RangeAssignor; rejoins by itself. */
export class GroupMember extends ClassicGroup {
  private assigned: TopicPartition[] = [];

  constructor(client: KafkaClient, groupId: string, private topics: string[], o: GroupOptions) {
    super(client, groupId, o);
  }

  get assignment(): TopicPartition[] {
    return this.assigned;
  }

  get subscription(): readonly string[] {
    return this.topics;
  }

  /** Joins (or rejoins) the group, adding these topics to the subscription, and waits for the assignment. */
  async join(topics?: string[]): Promise<void> {
    if (topics) this.topics = [...new Set([...this.topics, ...topics])].sort();
    this.assigned = decodeAssignment(await this.joinGroup()).partitions;
  }

  protected protocol(): { name: string; metadata: Buffer } {
    return { name: RANGE, metadata: encodeSubscription({ topics: this.topics, userData: null }) };
  }

  protected async assign(members: Array<{ memberId: string; metadata: Buffer | null }>): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subs = members.map((m) => ({ memberId: m.memberId, topics: decodeSubscription(m.metadata, m.memberId).topics }));
    const counts = new Map<string, number>();
    for (const t of new Set(subs.flatMap((s) => s.topics))) counts.set(t, (await this.client.topic(t))?.leaders.length ?? 0);
    const plan = rangeAssign(subs, (t) => counts.get(t) ?? 0);
    return members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment({ partitions: plan.get(m.memberId) ?? [], userData: null }) }));
  }

  protected onRebalanceRequested(): void {
    this.rejoin();
  }

  protected onLost(): void {
    this.rejoin();
  }

  private rejoin(): void {
    this.join().catch((err: unknown) => this.o.onLog?.(`kafka: rejoining group '${this.groupId}' failed: ${(err as Error).message}`));
  }
}
