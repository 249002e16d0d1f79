/**
 * The log owned by this process, as a broker of parts: topics (topics.ts), the fsync policy (durability.ts),
 * committed group offsets (offsets.ts), transactions (transactions.ts), group membership (groups.ts) and background
 * maintenance (maintenance.ts); this class routes produce, fetch and the admin calls to them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FetchOptions, FetchResult, GroupOffsets, LogBackend, OffsetSpec, TxnRef } from '../../log-client/backend.ts';
import { LogStoreError } from '../../log-client/errors.ts';
import { partitionForKey } from '../../log-client/murmur2.ts';
import type {
  CommittedOffset, ConsumerRecord, FsyncPolicy, Isolation, OffsetAndPartition, PartitionLag, ProducerRecord, RecordMetadata, Subscription,
  TopicDescription, TopicOptions, TopicPartition,
} from '../../log-client/types.ts';
import type { PartitionLog } from '../storage/partition-log.ts';
import { HEADER_SIZE, type RecordIn, type RecordVisitor } from '../../record-format/record-batch.ts';
import { singleRecordBatchSize, sizeInBatch, tooLargeMessage } from '../storage/record-size.ts';
import { warnPastRetention } from './retention-warning.ts';
import { Durability } from './durability.ts';
import { GroupCoordinator } from './groups.ts';
import { Maintenance } from './maintenance.ts';
import { MAX_BATCH_RECORDS, OffsetStore } from './offsets.ts';
import { validateTopicName } from './topic-name.ts';
import { Topics, type Topic } from './topics.ts';
import { TxnCoordinator } from './transactions.ts';

export { normalizeConfig } from './topics.ts';

export interface LocalOptions {
  fsync?: FsyncPolicy;
  /** How often retention and compaction run in the background (ms). Default 1000. */
  maintenanceIntervalMs?: number;
  /** Create unknown topics (1 partition) on first produce, as Kafka's broker default does. Default true. */
  autoCreateTopics?: boolean;
  /** Clock (ms), for tests. */
  now?: () => number;
  /** Where warnings go (a record past its topic's retention); default process.emitWarning. */
  onWarning?: (topic: string, timestamp: number, retentionMs: number) => void;
}

export class LocalBackend implements LogBackend {
  readonly fetchAhead = false;
  private readonly topics: Topics;
  private readonly durability: Durability;
  private readonly offsets: OffsetStore;
  private readonly txns: TxnCoordinator;
  private readonly maint: Maintenance;
  private readonly groups = new GroupCoordinator();
  private readonly sticky = new Map<string, number>();
  private rr = 0;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  readonly now: () => number;
  private readonly autoCreate: boolean;
  private readonly onWarning: NonNullable<LocalOptions['onWarning']>;
  private readonly warnedPastRetention = new Set<string>();

  private constructor(readonly dir: string, opts: LocalOptions) {
    this.onWarning = opts.onWarning ?? warnPastRetention;
    this.now = opts.now ?? Date.now;
    this.autoCreate = opts.autoCreateTopics ?? true;
    const policy = opts.fsync ?? 'none';
    this.topics = new Topics(dir, this.now, policy !== 'none');
    this.durability = new Durability(policy, () => this.topics.partitions());
    const sync = this.durability.syncOnRoll;
    this.offsets = new OffsetStore(this.topics, this.now, sync);
    this.txns = new TxnCoordinator(this.topics, this.offsets, this.now, sync);
    this.maint = new Maintenance(this.topics, sync, () => this.closed);
  }

  static open(dir: string, opts: LocalOptions = {}): LocalBackend {
    const b = new LocalBackend(dir, opts);
    b.load();
    const every = opts.maintenanceIntervalMs ?? 1000;
    if (every > 0) b.timers.push(setInterval(() => void b.maintenance().catch(() => {}), every).unref());
    const p = b.durability.policy;
    if (typeof p === 'object') b.timers.push(setInterval(() => { if (!b.closed) b.durability.syncAll(); }, Math.max(1, p.everyMs)).unref());
    return b;
  }

  get policy(): FsyncPolicy {
    return this.durability.policy;
  }

  /**
   * Written by a clean close after every partition is synced (Kafka's .kafka_cleanshutdown): the next open skips the
   * CRC scan of active segments (reads still check each batch once). Removed at open, so a crash leaves none.
   */
  private cleanMarker(): string {
    return path.join(this.dir, '.clean-shutdown');
  }

  private load(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const clean = fs.existsSync(this.cleanMarker());
    if (clean) fs.rmSync(this.cleanMarker());
    this.topics.load(!clean);
    this.offsets.replay();
    this.txns.replay();
  }

  // ---------- admin ----------

  async createTopic(name: string, opts: TopicOptions): Promise<void> {
    this.checkOpen();
    this.topics.create(name, opts ?? {});
  }

  async listTopics(includeInternal = false): Promise<string[]> {
    return this.topics.names().filter((t) => includeInternal || !t.startsWith('__')).sort();
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return this.topics.describe(name);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.topics.delete(name, (p) => this.maint.running(p));
  }

  async listGroups(): Promise<string[]> {
    return [...new Set([...this.offsets.groups(), ...this.groups.activeGroups()])].sort();
  }

  async groupLag(groupId: string): Promise<PartitionLag[]> {
    return this.offsets.lag(groupId);
  }

  // ---------- produce ----------

  private choosePartition(t: Topic, name: string, r: ProducerRecord, keyBytes: Uint8Array | null): number {
    const n = t.parts.length;
    if (r.partition !== undefined) {
      if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= n)
        throw new LogStoreError('INVALID_PARTITION', `topic '${name}' has ${n} partition(s), cannot send to partition ${r.partition}`);
      return r.partition;
    }
    if (keyBytes) return partitionForKey(keyBytes, n);
    let s = this.sticky.get(name);
    if (s === undefined) { s = this.rr++ % n; this.sticky.set(name, s); }
    return s % n;
  }

  async produce(records: ProducerRecord[], txn?: TxnRef): Promise<RecordMetadata[]> {
    this.checkOpen();
    const now = this.now();
    const groups = new Map<PartitionLog, { recs: RecordIn[]; idx: number[]; sizes: number[] }>();
    const result: RecordMetadata[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      let t = this.topics.find(r.topic);
      if (!t) {
        validateTopicName(r.topic);
        if (!this.autoCreate || r.topic.startsWith('__')) this.topics.get(r.topic);
        t = this.topics.create(r.topic, {});
      }
      const key = r.key === undefined || r.key === null ? null : typeof r.key === 'string' ? Buffer.from(r.key) : r.key;
      if (!key && t.config.cleanupPolicy.includes('compact'))
        throw new LogStoreError('INVALID_RECORD', `topic '${r.topic}' is compacted (cleanupPolicy '${t.config.cleanupPolicy}'): every record needs a key`);
      const log = t.parts[this.choosePartition(t, r.topic, r, key)];
      const c = t.config;
      if (r.timestamp !== undefined && c.retentionMs >= 0 && r.timestamp < now - c.retentionMs && c.cleanupPolicy.includes('delete')
        && c.timestampType === 'CreateTime' && !this.warnedPastRetention.has(r.topic)) {
        this.warnedPastRetention.add(r.topic);
        this.onWarning(r.topic, r.timestamp, c.retentionMs);
      }
      const rec = key === r.key ? r : { key, value: r.value, timestamp: r.timestamp, headers: r.headers };
      const size = singleRecordBatchSize(rec);
      if (size > c.maxMessageBytes) throw new LogStoreError('RECORD_TOO_LARGE', tooLargeMessage(r.topic, log.partition, size, c.maxMessageBytes));
      let g = groups.get(log);
      if (!g) groups.set(log, (g = { recs: [], idx: [], sizes: [] }));
      g.recs.push(rec);
      g.idx.push(i);
      g.sizes.push(sizeInBatch(size));
    }
    for (const name of new Set(records.map((r) => r.topic))) {
      const t = this.topics.get(name);
      if (this.sticky.has(name)) this.sticky.set(name, (this.sticky.get(name)! + 1) % t.parts.length);
    }
    if (txn) this.txns.addPartitions(txn, groups.keys());
    const opts = txn ? { producerId: txn.producerId, producerEpoch: txn.epoch, transactional: true } : {};
    for (const [log, g] of groups) {
      const lat = log.config.timestampType === 'LogAppendTime';
      for (let s = 0, e = 0; s < g.recs.length; s = e) {
        // a batch: at most MAX_BATCH_RECORDS records and maxMessageBytes bytes
        for (let bytes = HEADER_SIZE; e < g.recs.length && e - s < MAX_BATCH_RECORDS && (e === s || bytes + g.sizes[e] <= log.config.maxMessageBytes); e++) bytes += g.sizes[e];
        const chunk = s === 0 && e === g.recs.length ? g.recs : g.recs.slice(s, e);
        const base = log.append(chunk, now, opts, this.durability.syncOnRoll);
        for (let j = 0; j < chunk.length; j++) {
          const rec = chunk[j];
          result[g.idx[s + j]] = { topic: log.topic, partition: log.partition, offset: base + j, timestamp: lat ? now : rec.timestamp ?? now };
        }
      }
    }
    await this.durability.durable(groups.keys());
    return result;
  }

  // ---------- fetch ----------

  async fetch(positions: OffsetAndPartition[], opts: FetchOptions, signal?: AbortSignal): Promise<FetchResult> {
    const deadline = Date.now() + Math.max(0, opts.timeoutMs);
    const maxRecords = Math.max(1, opts.maxRecords);
    const start = positions.length ? this.rr++ % positions.length : 0;
    while (true) {
      const records: ConsumerRecord[] = [];
      const next = positions.map((p) => p.offset);
      const logs: PartitionLog[] = [];
      for (let k = 0; k < positions.length; k++) {
        const i = (start + k) % positions.length;
        const pos = positions[i];
        const log = this.topics.find(pos.topic)?.parts[pos.partition];
        if (!log) continue;
        logs.push(log);
        if (records.length < maxRecords) next[i] = log.readRecords(pos.offset, maxRecords - records.length, opts.isolation, records);
      }
      const left = deadline - Date.now();
      if (records.length > 0 || left <= 0 || this.closed || signal?.aborted) return { records, next };
      await this.waitForAppend(logs, left, signal);
    }
  }

  /** Resolves when any of the logs gets an append, the timeout passes or the signal aborts: no polling. */
  private waitForAppend(logs: PartitionLog[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const cancels: (() => void)[] = [];
      const done = () => {
        clearTimeout(timer);
        for (const c of cancels) c();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const l of logs) cancels.push(l.onAppend(done));
      signal?.addEventListener('abort', done);
    });
  }

  async listOffsets(tps: TopicPartition[], spec: OffsetSpec): Promise<number[]> {
    return tps.map((tp) => {
      const p = this.topics.partition(tp.topic, tp.partition);
      if (spec === 'earliest') return p.startOffset;
      if (spec === 'latest') return p.endOffset;
      return p.offsetForTimestamp(spec.timestamp);
    });
  }

  /** Purges whole segments below each offset (the runtime purges repartition topics up to committed offsets). */
  async deleteRecords(offsets: OffsetAndPartition[]): Promise<number> {
    let deleted = 0;
    for (const o of offsets) deleted += this.topics.partition(o.topic, o.partition).deleteBefore(o.offset);
    return deleted;
  }

  /** Reads a partition from an offset without waiting (changelog restore, tools). */
  async read(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation = 'read_uncommitted'): Promise<{ records: ConsumerRecord[]; next: number }> {
    const records: ConsumerRecord[] = [];
    const next = this.topics.partition(tp.topic, tp.partition).readRecords(fromOffset, maxRecords, isolation, records);
    return { records, next };
  }

  /** `read` with a visitor instead of record objects (changelog restore). */
  readEach(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor): { count: number; next: number } {
    return this.topics.partition(tp.topic, tp.partition).readEach(fromOffset, maxRecords, isolation, each);
  }

  // ---------- groups and offsets ----------

  async joinGroup(groupId: string, memberId: string, sub: Subscription): Promise<void> {
    this.groups.join(groupId, memberId, sub);
  }

  async leaveGroup(groupId: string, memberId: string): Promise<void> {
    this.groups.leave(groupId, memberId);
  }

  async assignment(groupId: string, memberId: string): Promise<TopicPartition[]> {
    return this.groups.assignment(groupId, memberId, this.topics.names(), (t) => this.topics.find(t)?.parts.length ?? 0);
  }

  async commitOffsets(groupId: string, offsets: OffsetAndPartition[]): Promise<void> {
    this.checkOpen();
    if (offsets.length === 0) return;
    await this.durability.durable([this.offsets.append(groupId, offsets)]);
  }

  async committed(groupId: string, tps: TopicPartition[]): Promise<(number | null)[]> {
    return this.offsets.committed(groupId, tps).map((c) => c?.offset ?? null);
  }

  async committedOffsets(groupId: string, tps: TopicPartition[]): Promise<(CommittedOffset | null)[]> {
    return this.offsets.committed(groupId, tps).map((c) => (c ? { ...c } : null));
  }

  // ---------- transactions ----------

  async initTransactions(transactionalId: string): Promise<{ producerId: number; epoch: number }> {
    this.checkOpen();
    const { producerId, epoch, log } = this.txns.init(transactionalId);
    await this.durability.durable([log]);
    return { producerId, epoch };
  }

  async endTransaction(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Promise<void> {
    this.checkOpen();
    await this.durability.durable(this.txns.end(txn, commit, offsets));
  }

  // ---------- maintenance ----------

  async maintenance(): Promise<void> {
    if (this.closed) return;
    await this.maint.run(this.now());
  }

  private checkOpen(): void {
    if (this.closed) throw new LogStoreError('CLOSED', `the log in ${this.dir} is closed`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.maint.settle();
    await this.durability.settle();
    for (const p of this.topics.partitions()) {
      p.sync(); // whatever the fsync policy: the clean-shutdown marker promises the data is on disk
      p.close();
    }
    const fd = fs.openSync(this.cleanMarker(), 'w');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
}
