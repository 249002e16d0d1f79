/**
 * KafkaBackend: the LogBackend interface (src/log-store/backend.ts) on an Apache Kafka cluster, so LogStore's
 * admin, producer and consumer — and the runtime on top of them — run unchanged with `--bootstrap`.
 * Connections and protocol encoding are @platformatic/kafka's low-level per-request APIs; batching, partitioning,
 * group membership and transactions are ours (records.ts, group.ts, transactions.ts).
 */
import {
  createTopicsV7, deleteRecordsV2, deleteTopicsV6, describeConfigsV4, listGroupsV5, listOffsetsV9, offsetCommitV9, offsetFetchV9,
} from '@platformatic/kafka';
import type { FetchOptions, FetchResult, GroupOffsets, LogBackend, OffsetSpec, TxnRef } from '../log-client/backend.ts';
import { LogStoreError } from '../log-client/errors.ts';
import type { RecordVisitor } from '../record-format/record-batch.ts';
import { matching } from '../log-client/subscription.ts';
import type { Subscription } from '../log-client/types.ts';
import type { StreamsMemberInfo, StreamsMembership } from '../log-client/membership.ts';
import {
  DEFAULT_TOPIC_CONFIG, type CommittedOffset, type ConsumerRecord, type Isolation, type OffsetAndPartition, type PartitionLag, type ProducerRecord,
  type RecordMetadata, type TopicConfig, type TopicDescription, type TopicOptions, type TopicPartition,
} from '../log-client/types.ts';
import { describeError, KafkaClient, protocolErrorId, type Broker, type KafkaClientOptions } from './client.ts';
import { ClassicStreamsMember } from './classic-member.ts';
import { closedConnectionHint } from './errors.ts';
import { FENCING_ERRORS, GroupMember } from './group.ts';
import { StreamsGroupMember } from './streams-group/member.ts';
import { streamsGroupSupportOf } from './streams-group/support.ts';
import { fetchRecords, readEachRecord } from './fetch.ts';
import { Partitioner, produceRecords } from './records.ts';
import { Transactions } from './transactions.ts';

export interface KafkaBackendOptions extends KafkaClientOptions {
  /** Group session timeout (ms). Default 45000 (Kafka's session.timeout.ms). */
  sessionTimeoutMs?: number;
  /** Transaction timeout (ms). Default 10000 (what Kafka Streams sets under exactly-once). */
  transactionTimeoutMs?: number;
  /** Replication factor of topics this client creates; -1 = the broker's default. */
  replicationFactor?: number;
}

/** What the backend needs of a stream thread's membership (classic here; the streams protocol's has the same). */
interface GroupMembership extends StreamsMembership {
  commitMetadata(): { memberId: string; generationId: number };
  /** A commit was refused: UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID (lost) or REBALANCE_IN_PROGRESS. */
  commitRefused?(errorId: string): void;
}

const TS_EARLIEST = -2n;
const TS_LATEST = -1n;

export class KafkaBackend implements LogBackend {
  /** A fetch is a network round trip: consumers fetch the next batch while the caller processes. */
  readonly fetchAhead = true;
  readonly client: KafkaClient;
  private readonly partitioner = new Partitioner();
  private readonly groups = new Map<string, GroupMember>();
  /** Stream threads' memberships by group id: commits of that group carry the member's id and generation. */
  private readonly memberships = new Map<string, GroupMembership>();
  /** Subscriptions of consumers without a group id: topics by pseudo group. */
  private readonly anonymous = new Map<string, string[]>();
  private readonly txns: Transactions;

  constructor(private readonly o: KafkaBackendOptions) {
    this.client = new KafkaClient(o);
    this.txns = new Transactions(this.client, o.transactionTimeoutMs ?? 10_000);
  }

  get where(): string {
    return this.client.where;
  }

  /** Checks that the cluster answers (a clear error for a wrong address). */
  async connect(): Promise<void> {
    try {
      await this.client.metadata([]);
    } catch (e) {
      const sec = this.client.explain(e, 'metadata');
      if (sec) throw new LogStoreError('NOT_AUTHORIZED', sec);
      const hint = closedConnectionHint(e, this.o.connection);
      throw new LogStoreError('REMOTE', `cannot reach Kafka at ${this.client.where}: ${describeError(e)}. Check --bootstrap (host:port of a broker's listener) and that the broker is up${hint ? `; ${hint}` : ''}.`);
    }
  }

  async createTopic(name: string, opts: TopicOptions): Promise<void> {
    const c = { ...DEFAULT_TOPIC_CONFIG, ...opts };
    const configs: Array<{ name: string; value: string }> = [{ name: 'cleanup.policy', value: c.cleanupPolicy }];
    if (opts.retentionMs !== undefined) configs.push({ name: 'retention.ms', value: String(c.retentionMs) });
    if (opts.retentionBytes !== undefined) configs.push({ name: 'retention.bytes', value: String(c.retentionBytes) });
    if (opts.segmentBytes !== undefined) configs.push({ name: 'segment.bytes', value: String(Math.max(c.segmentBytes, 1 << 20)) });
    if (opts.segmentMs !== undefined) configs.push({ name: 'segment.ms', value: String(c.segmentMs) });
    if (opts.deleteRetentionMs !== undefined) configs.push({ name: 'delete.retention.ms', value: String(c.deleteRetentionMs) });
    if (opts.timestampType !== undefined) configs.push({ name: 'message.timestamp.type', value: c.timestampType });
    const cl = this.client;
    await cl.retry(`create topic '${name}'`, async () => {
      await createTopicsV7.api.async(await cl.any(), [{
        name, numPartitions: c.partitions, replicationFactor: this.o.replicationFactor ?? -1, assignments: [], configs,
      }], 30_000, false);
    }).catch((e: unknown) => {
      if (protocolErrorId(e) === 'TOPIC_ALREADY_EXISTS' || /TOPIC_ALREADY_EXISTS/.test(String((e as Error).message))) {
        throw new LogStoreError('TOPIC_EXISTS', `topic '${name}' already exists on Kafka at ${cl.where}`);
      }
      throw e;
    });
    // wait until every partition has a leader
    cl.forgetTopic(name);
    await cl.retry(`leaders of new topic '${name}'`, async () => {
      const t = await cl.topic(name);
      if (!t || t.leaders.length !== c.partitions || t.leaders.some((l) => l < 0)) {
        cl.forgetTopic(name);
        throw Object.assign(new Error(`topic '${name}' has no leaders yet`), { apiId: 'LEADER_NOT_AVAILABLE' });
      }
    });
  }

  async listTopics(includeInternal = false): Promise<string[]> {
    const res = await this.client.retry('list topics', () => this.client.metadata(null));
    return res.topics.filter((t) => t.errorCode === 0 && t.name && (includeInternal || (!t.isInternal && !t.name.startsWith('__'))))
      .map((t) => t.name as string).sort();
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    this.client.forgetTopic(name);
    const meta = await this.client.requireTopic(name);
    const tps = meta.leaders.map((_, partition) => ({ topic: name, partition }));
    const [start, end, lso] = await Promise.all([this.offsets(tps, TS_EARLIEST, 0), this.offsets(tps, TS_LATEST, 0), this.offsets(tps, TS_LATEST, 1)]);
    return {
      name, config: await this.topicConfig(name, meta.leaders.length),
      partitions: tps.map((tp, i) => ({ partition: tp.partition, startOffset: start[i], endOffset: end[i], lastStableOffset: lso[i], bytes: 0, segments: 0 })),
      bytes: 0,
    };
  }

  private async topicConfig(name: string, partitions: number): Promise<TopicConfig> {
    const res = await this.client.retry(`describe configs of '${name}'`, async () =>
      describeConfigsV4.api.async(await this.client.any(), [{ resourceType: 2, resourceName: name, configurationKeys: null }], false, false));
    const v = new Map(res.results[0]?.configs.map((c) => [c.name, c.value]) ?? []);
    const num = (k: string, d: number) => (v.get(k) != null ? Number(v.get(k)) : d);
    return {
      partitions, cleanupPolicy: (v.get('cleanup.policy')?.replace(/\s/g, '') as TopicConfig['cleanupPolicy']) ?? 'delete',
      retentionMs: num('retention.ms', DEFAULT_TOPIC_CONFIG.retentionMs), retentionBytes: num('retention.bytes', -1),
      segmentBytes: num('segment.bytes', DEFAULT_TOPIC_CONFIG.segmentBytes), segmentMs: num('segment.ms', DEFAULT_TOPIC_CONFIG.segmentMs),
      maxMessageBytes: num('max.message.bytes', DEFAULT_TOPIC_CONFIG.maxMessageBytes),
      deleteRetentionMs: num('delete.retention.ms', DEFAULT_TOPIC_CONFIG.deleteRetentionMs),
      timestampType: v.get('message.timestamp.type') === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
    };
  }

  async deleteTopic(name: string): Promise<void> {
    await this.client.requireTopic(name);
    await this.client.retry(`delete topic '${name}'`, async () => deleteTopicsV6.api.async(await this.client.any(), [{ name }], 30_000));
    this.client.forgetTopic(name, true);
  }

  async listGroups(): Promise<string[]> {
    await this.client.retry('list brokers', () => this.client.metadata([]));
    // every broker coordinates some groups and lists only those (Kafka's Admin.listConsumerGroups asks them all)
    const lists = await Promise.all(this.client.knownBrokers().map((b) =>
      this.client.retry(`list groups on ${b.host}:${b.port}`, async () => listGroupsV5.api.async(await this.client.connection(b), [], []))));
    return [...new Set(lists.flatMap((res) => res.groups.map((g) => g.groupId)))].sort();
  }

  async groupLag(groupId: string): Promise<PartitionLag[]> {
    const res = await this.client.retry(`offsets of group '${groupId}'`, async () =>
      offsetFetchV9.api.async(await this.groupConnection(groupId), [{ groupId, memberId: null, memberEpoch: -1, topics: null }], false));
    const committed: OffsetAndPartition[] = [];
    for (const t of res.groups[0]?.topics ?? []) for (const p of t.partitions) {
      if (p.committedOffset >= 0n) committed.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) });
    }
    const ends = await this.listOffsets(committed, 'latest');
    return committed.map((c, i) => ({ topic: c.topic, partition: c.partition, committedOffset: c.offset, endOffset: ends[i], lag: Math.max(0, ends[i] - c.offset) }));
  }

  async produce(records: ProducerRecord[], txn?: TxnRef): Promise<RecordMetadata[]> {
    if (!records.length) return [];
    // retried inside, per partition batch: a whole-call retry would duplicate the batches already appended
    if (!txn) return produceRecords(this.client, this.partitioner, records, null);
    const s = this.txns.state(txn);
    return produceRecords(this.client, this.partitioner, records, s, (tps) => this.txns.addPartitions(s, tps));
  }

  async fetch(positions: OffsetAndPartition[], opts: FetchOptions): Promise<FetchResult> {
    if (!positions.length) return { records: [], next: [] };
    // the topics by name: a refused fetch (Read) names them (the response has topic ids only)
    const parts = await this.client.retry(`fetch from '${[...new Set(positions.map((p) => p.topic))].join("', '")}'`, () =>
      fetchRecords(this.client, positions, opts.isolation, Math.min(opts.timeoutMs, 500), opts.maxRecords));
    const records: ConsumerRecord[] = [];
    for (const p of parts) for (const r of p.records) records.push(r);
    return { records, next: parts.map((p) => p.next) };
  }

  /** One partition from an offset, without waiting (changelog restore, global tables). */
  async read(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation = 'read_uncommitted'): Promise<{ records: ConsumerRecord[]; next: number }> {
    const [p] = await this.client.retry(`read ${tp.topic}-${tp.partition}`, () =>
      fetchRecords(this.client, [{ ...tp, offset: fromOffset }], isolation, 0, maxRecords));
    return { records: p.records, next: p.next };
  }

  /** `read` with a visitor and no record object per record (changelog restore). */
  readEach(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor): Promise<{ count: number; next: number }> {
    return this.client.retry(`read ${tp.topic}-${tp.partition}`, () => readEachRecord(this.client, tp, fromOffset, maxRecords, isolation, each));
  }

  listOffsets(tps: TopicPartition[], spec: OffsetSpec): Promise<number[]> {
    const ts = spec === 'earliest' ? TS_EARLIEST : spec === 'latest' ? TS_LATEST : BigInt(spec.timestamp);
    return this.offsets(tps, ts, 0);
  }

  /** ListOffsets per leader; a timestamp with no record at or after it gives the end offset (as the built-in log). */
  private async offsets(tps: TopicPartition[], ts: bigint, isolationLevel: 0 | 1): Promise<number[]> {
    if (!tps.length) return [];
    const out = new Array<number>(tps.length);
    const byLeader = new Map<string, { broker: Broker; idx: number[] }>();
    for (let i = 0; i < tps.length; i++) {
      const b = await this.client.leader(tps[i].topic, tps[i].partition);
      const k = `${b.host}:${b.port}`;
      (byLeader.get(k) ?? byLeader.set(k, { broker: b, idx: [] }).get(k)!).idx.push(i);
    }
    await Promise.all([...byLeader.values()].map(({ broker, idx }) => this.client.retry('list offsets', async () => {
      const topics = new Map<string, Array<{ partitionIndex: number; currentLeaderEpoch: number; timestamp: bigint }>>();
      for (const i of idx) (topics.get(tps[i].topic) ?? topics.set(tps[i].topic, []).get(tps[i].topic)!).push({ partitionIndex: tps[i].partition, currentLeaderEpoch: -1, timestamp: ts });
      const res = await listOffsetsV9.api.async(await this.client.connection(broker), -1, isolationLevel, [...topics].map(([name, partitions]) => ({ name, partitions })));
      const missing: number[] = [];
      for (const t of res.topics) for (const p of t.partitions) {
        const i = idx.find((j) => tps[j].topic === t.name && tps[j].partition === p.partitionIndex)!;
        out[i] = Number(p.offset);
        if (out[i] < 0) missing.push(i);
      }
      if (missing.length) {
        const ends = await this.offsets(missing.map((i) => tps[i]), TS_LATEST, isolationLevel);
        missing.forEach((i, j) => { out[i] = ends[j]; });
      }
    })));
    return out;
  }

  private async groupConnection(groupId: string) {
    return this.client.connection(await this.client.coordinator(0, groupId), 'group');
  }

  /** The member of this client in a group, joined (with these topics in its subscription). */
  private async member(groupId: string, topics: string[]): Promise<GroupMember> {
    let m = this.groups.get(groupId);
    if (!m) {
      m = new GroupMember(this.client, groupId, [...new Set(topics)].sort(), {
        sessionTimeoutMs: this.o.sessionTimeoutMs ?? 45_000, rebalanceTimeoutMs: 300_000, onLog: this.o.onLog,
      });
      this.groups.set(groupId, m);
      await m.join();
    } else if (m.generationId < 0 || topics.some((t) => !m!.subscription.includes(t))) {
      await m.join(topics);
    }
    return m;
  }

  /**
   * The id and generation (or member epoch) commits of a group carry: a stream thread's membership when this
   * client has one for the group, else this client's plain consumer member (joined if need be).
   */
  private async commitMember(groupId: string, topics: string[]): Promise<{ meta: { memberId: string; generationId: number }; refused(errorId: string): void }> {
    const s = this.memberships.get(groupId);
    if (s) return { meta: s.commitMetadata(), refused: (id) => s.commitRefused?.(id) };
    const m = await this.member(groupId, topics);
    return { meta: m.commitMetadata(), refused: (id) => m.commitRefused(id) };
  }

  private protocolChoice: Promise<{ protocol: 'classic' | 'streams'; reason: string }> | null = null;

  /** API.md section 7: 'streams' when every broker supports KIP-1071's streams groups, else 'classic' (asked once). */
  defaultGroupProtocol(): Promise<{ protocol: 'classic' | 'streams'; reason: string }> {
    this.protocolChoice ??= streamsGroupSupportOf(this.client).then(
      (s) => ({ protocol: s.supported ? 'streams' as const : 'classic' as const, reason: s.reason }),
      (e: unknown) => { this.protocolChoice = null; throw e; },
    );
    return this.protocolChoice;
  }

  streamsMembership(groupId: string, info: StreamsMemberInfo): StreamsMembership {
    if (this.memberships.has(groupId)) {
      throw new LogStoreError('INVALID_CONFIG', `this Kafka client already has a member in group '${groupId}': each stream thread needs a client (KafkaBackend) of its own, since commits carry the member's id`);
    }
    if (info.protocol === 'streams') {
      const member = new StreamsGroupMember(this.client, groupId, info, this.o.onLog);
      const leave = member.leave.bind(member);
      const membership: GroupMembership = Object.assign(member, {
        leave: async () => { if (this.memberships.get(groupId) === membership) this.memberships.delete(groupId); await leave(); },
      });
      this.memberships.set(groupId, membership);
      return membership;
    }
    const membership = new ClassicStreamsMember(this.client, groupId, info, {
      onLog: this.o.onLog, onLeave: () => { if (this.memberships.get(groupId) === membership) this.memberships.delete(groupId); },
      endOffsets: (tps) => this.listOffsets(tps, 'latest'),
    });
    this.memberships.set(groupId, membership);
    return membership;
  }

  async joinGroup(groupId: string, _memberId: string, sub: Subscription): Promise<void> {
    const topics = sub.topics ?? matching(sub, await this.listTopics());
    // a consumer without a groupId subscribes without a Kafka group: it reads every partition itself
    if (groupId.startsWith('__anonymous-')) this.anonymous.set(groupId, topics);
    else if (this.memberships.has(groupId)) {
      throw new LogStoreError('INVALID_CONFIG', `group '${groupId}' has a stream thread's membership in this Kafka client: a consumer of that thread reads the partitions the membership assigns (consumer.assign(assignment.partitions)); subscribing would join the group a second time as a plain consumer`);
    } else await this.member(groupId, topics);
  }

  async leaveGroup(groupId: string): Promise<void> {
    this.anonymous.delete(groupId);
    const m = this.groups.get(groupId);
    this.groups.delete(groupId);
    await m?.leave();
  }

  async assignment(groupId: string): Promise<TopicPartition[]> {
    const anonymous = this.anonymous.get(groupId);
    if (anonymous) {
      const out: TopicPartition[] = [];
      for (const t of anonymous) {
        const meta = await this.client.topic(t);
        if (meta) for (let p = 0; p < meta.leaders.length; p++) out.push({ topic: t, partition: p });
      }
      return out;
    }
    return this.groups.get(groupId)?.assignment ?? [];
  }

  async commitOffsets(groupId: string, offsets: OffsetAndPartition[]): Promise<void> {
    if (!offsets.length) return;
    const { meta, refused } = await this.commitMember(groupId, offsets.map((o) => o.topic));
    const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }>>();
    for (const o of offsets) (byTopic.get(o.topic) ?? byTopic.set(o.topic, []).get(o.topic)!).push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: o.metadata ?? null });
    await this.client.retry(`commit offsets of group '${groupId}'`, async () =>
      offsetCommitV9.api.async(await this.groupConnection(groupId), groupId, meta.generationId, meta.memberId, null, [...byTopic].map(([name, partitions]) => ({ name, partitions }))),
    ).catch((e: unknown) => {
      const id = protocolErrorId(e);
      if (id && (FENCING_ERRORS.has(id) || id === 'REBALANCE_IN_PROGRESS')) {
        refused(id);
        throw Object.assign(new LogStoreError('FENCED', id === 'REBALANCE_IN_PROGRESS'
          ? `group '${groupId}' is rebalancing and refused the commit of member ${meta.memberId} (generation ${meta.generationId}): REBALANCE_IN_PROGRESS; these offsets were not committed: rejoin (poll), then commit again the partitions still assigned`
          : `group '${groupId}' refused the commit of member ${meta.memberId} (generation ${meta.generationId}): ${id}; the member is no longer in that generation (the group rebalanced without it), so these offsets were not committed and its partitions are lost here`), { apiId: id });
      }
      throw e;
    });
  }

  async committed(groupId: string, tps: TopicPartition[]): Promise<(number | null)[]> {
    return (await this.committedOffsets(groupId, tps)).map((c) => c?.offset ?? null);
  }

  async committedOffsets(groupId: string, tps: TopicPartition[]): Promise<(CommittedOffset | null)[]> {
    if (!tps.length) return [];
    if (!groupId.startsWith('__anonymous-') && !this.memberships.has(groupId)) await this.member(groupId, tps.map((t) => t.topic));
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
    // requireStable: wait for offsets still pending in an open transaction (exactly-once restarts)
    const res = await this.client.retry(`committed offsets of group '${groupId}'`, async () => offsetFetchV9.api.async(await this.groupConnection(groupId),
      [{ groupId, memberId: null, memberEpoch: -1, topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) }], true));
    const found = new Map<string, CommittedOffset>();
    for (const t of res.groups[0]?.topics ?? []) {
      for (const p of t.partitions) if (p.committedOffset >= 0n) found.set(`${t.name}:${p.partitionIndex}`, { offset: Number(p.committedOffset), metadata: p.metadata || null });
    }
    return tps.map((tp) => found.get(`${tp.topic}:${tp.partition}`) ?? null);
  }

  initTransactions(transactionalId: string): Promise<{ producerId: number; epoch: number }> {
    return this.txns.init(transactionalId);
  }

  endTransaction(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Promise<void> {
    return this.txns.end(txn, commit, offsets, (g, topics) => this.commitMember(g, topics));
  }

  /** The broker runs retention and compaction itself. */
  async maintenance(): Promise<void> {}

  /** Kafka's DeleteRecords, one request per partition leader; returns the number of partitions purged. */
  async deleteRecords(offsets: OffsetAndPartition[]): Promise<number> {
    const byLeader = new Map<string, { broker: Broker; topics: Map<string, Array<{ partitionIndex: number; offset: bigint }>> }>();
    for (const o of offsets) {
      const b = await this.client.leader(o.topic, o.partition);
      const k = `${b.host}:${b.port}`;
      const g = byLeader.get(k) ?? byLeader.set(k, { broker: b, topics: new Map() }).get(k)!;
      (g.topics.get(o.topic) ?? g.topics.set(o.topic, []).get(o.topic)!).push({ partitionIndex: o.partition, offset: BigInt(o.offset) });
    }
    const counts = await Promise.all([...byLeader.values()].map(async ({ broker, topics }) => {
      const res = await this.client.retry('delete records', async () =>
        deleteRecordsV2.api.async(await this.client.connection(broker), [...topics].map(([name, partitions]) => ({ name, partitions })), 30_000));
      return res.topics.reduce((n, t) => n + t.partitions.length, 0);
    }));
    return counts.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.groups.values(), ...this.memberships.values()].map((m) => m.leave()));
    this.groups.clear();
    this.memberships.clear();
    await this.client.close();
  }
}
