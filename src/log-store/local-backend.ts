/**
 * The log owned by this process: topics metadata (`<dir>/topics.json`), partitions, the fsync
 * policy, group offsets (internal topic `__consumer_offsets`), transactions (`__transaction_state`),
 * group membership and background maintenance (retention, compaction).
 *
 * fsync policies — what an acknowledged send (the promise of send/sendBatch/commit resolved) survives:
 * - 'none':   written to the OS page cache before the ack. Survives a crash of this process; a machine
 *             crash or power loss can lose anything the OS had not flushed yet (typically up to ~30 s).
 * - 'batch':  group commit: the ack waits for an fdatasync that covers the write; concurrent sends are
 *             coalesced into one fdatasync per partition. Survives process and machine crashes.
 * - 'always': fdatasync of each written partition before each send/sendBatch/commit call returns, with
 *             no coalescing across calls. Survives process and machine crashes (slowest).
 * - { everyMs }: written to the page cache before the ack, fdatasync of every written partition each
 *             everyMs ms. Survives a process crash; a machine crash loses at most about everyMs of acks.
 * Under every policy a torn tail left by a crash is cut off on the next open by CRC check.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FetchOptions, FetchResult, GroupOffsets, LogBackend, OffsetSpec, TxnRef } from './backend.ts';
import { compactPartition } from './cleaner.ts';
import { LogStoreError } from './errors.ts';
import { GroupCoordinator, matching, type Subscription } from './groups.ts';
import {
  OFFSETS_TOPIC, TXN_TOPIC, decodeOffsetKey, decodeOffsetValue, offsetKey, offsetValue, type TxnState,
} from './internal-topics.ts';
import { partitionForKey } from './murmur2.ts';
import { PartitionLog } from './partition-log.ts';
import { CONTROL_ABORT, CONTROL_COMMIT, HEADER_SIZE, type RecordIn, type RecordVisitor } from './record-batch.ts';
import { singleRecordBatchSize, sizeInBatch, tooLargeMessage } from './record-size.ts';
import { warnPastRetention } from './retention-warning.ts';
import { validateTopicName } from './topic-name.ts';
import {
  DEFAULT_TOPIC_CONFIG, type ConsumerRecord, type FsyncPolicy, type Isolation, type OffsetAndPartition, type PartitionLag,
  type ProducerRecord, type RecordMetadata, type TopicConfig, type TopicDescription, type TopicOptions, type TopicPartition,
} from './types.ts';

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

const MAX_BATCH_RECORDS = 1000;
const INTERNAL: TopicOptions = { partitions: 1, cleanupPolicy: 'compact', segmentBytes: 64 << 20 };

interface Topic {
  config: TopicConfig;
  parts: PartitionLog[];
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function normalizeConfig(name: string, o: TopicOptions): TopicConfig {
  const c: TopicConfig = { ...DEFAULT_TOPIC_CONFIG };
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (c as unknown as Record<string, unknown>)[k] = v;
  const bad = (what: string) => new LogStoreError('INVALID_CONFIG', `topic '${name}': ${what}`);
  if (!Number.isInteger(c.partitions) || c.partitions < 1 || c.partitions > 100_000) throw bad(`partitions must be an integer >= 1, got ${c.partitions}`);
  if (!['delete', 'compact', 'compact,delete', 'delete,compact'].includes(c.cleanupPolicy)) throw bad(`cleanupPolicy must be 'delete', 'compact' or 'compact,delete', got '${c.cleanupPolicy}'`);
  for (const k of ['retentionMs', 'retentionBytes', 'segmentMs', 'deleteRetentionMs'] as const)
    if (typeof c[k] !== 'number' || Number.isNaN(c[k]) || c[k] < -1) throw bad(`${k} must be a number >= -1 (-1 = unlimited), got ${c[k]}`);
  if (!Number.isInteger(c.segmentBytes) || c.segmentBytes < 14 || c.segmentBytes > 2 ** 31 - 1) throw bad(`segmentBytes must be an integer in [14, 2^31-1], got ${c.segmentBytes}`);
  if (c.timestampType !== 'CreateTime' && c.timestampType !== 'LogAppendTime') throw bad(`timestampType must be 'CreateTime' or 'LogAppendTime'`);
  if (!Number.isInteger(c.maxMessageBytes) || c.maxMessageBytes < 100 || c.maxMessageBytes > 2 ** 31 - 1) throw bad(`maxMessageBytes must be an integer in [100, 2^31-1], got ${c.maxMessageBytes}`);
  return c;
}

export class LocalBackend implements LogBackend {
  private topics = new Map<string, Topic>();
  private offsets = new Map<string, Map<string, number>>();
  private txns = new Map<string, TxnState>();
  private nextProducerId = 0;
  private groups = new GroupCoordinator();
  private sticky = new Map<string, number>();
  private rr = 0;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private compacting = new Map<PartitionLog, Promise<void>>();
  private cleanedUpTo = new Map<PartitionLog, { base: number; at: number }>();
  private flushing: Promise<void> | null = null;
  private nextFlush: Promise<void> | null = null;
  readonly policy: FsyncPolicy;
  readonly now: () => number;
  private readonly autoCreate: boolean;
  private readonly onWarning: NonNullable<LocalOptions['onWarning']>;
  private readonly warnedPastRetention = new Set<string>();

  private constructor(readonly dir: string, opts: LocalOptions) {
    this.onWarning = opts.onWarning ?? warnPastRetention;
    this.policy = opts.fsync ?? 'none';
    this.now = opts.now ?? Date.now;
    this.autoCreate = opts.autoCreateTopics ?? true;
  }

  static open(dir: string, opts: LocalOptions = {}): LocalBackend {
    const b = new LocalBackend(dir, opts);
    b.load();
    const every = opts.maintenanceIntervalMs ?? 1000;
    if (every > 0) b.timers.push(setInterval(() => void b.maintenance().catch(() => {}), every).unref());
    const p = b.policy;
    if (typeof p === 'object') b.timers.push(setInterval(() => b.syncAll(), Math.max(1, p.everyMs)).unref());
    return b;
  }

  private get syncOnRoll(): boolean {
    return this.policy !== 'none';
  }

  // ---------- metadata ----------

  private metaPath(): string {
    return path.join(this.dir, 'topics.json');
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
    let meta: { topics: Record<string, TopicConfig> } = { topics: {} };
    if (fs.existsSync(this.metaPath())) meta = JSON.parse(fs.readFileSync(this.metaPath(), 'utf8'));
    const now = this.now();
    for (const [name, stored] of Object.entries(meta.topics)) {
      const config: TopicConfig = { ...DEFAULT_TOPIC_CONFIG, ...stored }; // keys added since the dir was written
      const parts: PartitionLog[] = [];
      for (let p = 0; p < config.partitions; p++) parts.push(PartitionLog.open(this.dir, name, p, config, now, !clean));
      this.topics.set(name, { config, parts });
    }
    for (const t of [OFFSETS_TOPIC, TXN_TOPIC]) if (!this.topics.has(t)) this.createTopicSync(t, INTERNAL, true);
    this.replayOffsets();
    this.replayTxns();
  }

  private saveMeta(): void {
    const topics: Record<string, TopicConfig> = {};
    for (const [n, t] of this.topics) topics[n] = t.config;
    const tmp = this.metaPath() + '.tmp';
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, topics }, null, 1));
    if (this.policy !== 'none') { const fd = fs.openSync(tmp, 'r'); fs.fsyncSync(fd); fs.closeSync(fd); }
    fs.renameSync(tmp, this.metaPath());
  }

  private readAll(log: PartitionLog, each: (r: ConsumerRecord) => void): void {
    let next = log.startOffset;
    while (next < log.endOffset) {
      const out: ConsumerRecord[] = [];
      const n = log.readRecords(next, 10_000, 'read_uncommitted', out);
      for (const r of out) each(r);
      if (n <= next) break;
      next = n;
    }
  }

  private replayOffsets(): void {
    this.readAll(this.topics.get(OFFSETS_TOPIC)!.parts[0], (r) => {
      if (!r.key) return;
      const k = decodeOffsetKey(r.key);
      if (!k) return;
      let g = this.offsets.get(k.group);
      if (!g) this.offsets.set(k.group, (g = new Map()));
      if (r.value) g.set(tpKey(k.topic, k.partition), decodeOffsetValue(r.value));
      else g.delete(tpKey(k.topic, k.partition));
    });
  }

  private replayTxns(): void {
    this.readAll(this.topics.get(TXN_TOPIC)!.parts[0], (r) => {
      if (!r.key) return;
      const id = Buffer.from(r.key).toString('utf8');
      if (r.value) {
        const s = JSON.parse(Buffer.from(r.value).toString('utf8')) as TxnState;
        this.txns.set(id, s);
        this.nextProducerId = Math.max(this.nextProducerId, s.producerId + 1);
      } else this.txns.delete(id);
    });
    // a crash left these transactions open: finish the decided ones, abort the rest
    for (const [id, s] of this.txns) {
      if (s.state === 'PrepareCommit') this.completeTxn(id, s, true);
      else if (s.state === 'Ongoing' || s.state === 'PrepareAbort') this.completeTxn(id, s, false);
    }
  }

  private topic(name: string): Topic {
    const t = this.topics.get(name);
    if (!t) throw new LogStoreError('UNKNOWN_TOPIC', `unknown topic '${name}' in ${this.dir}: create it first (admin.createTopic or 'streams-run topics create ${name}')`);
    return t;
  }

  private partition(topic: string, partition: number): PartitionLog {
    const t = this.topic(topic);
    const p = t.parts[partition];
    if (!p) throw new LogStoreError('INVALID_PARTITION', `topic '${topic}' has ${t.parts.length} partition(s), there is no partition ${partition}`);
    return p;
  }

  private createTopicSync(name: string, opts: TopicOptions, internal = false): void {
    validateTopicName(name);
    if (!internal && (name === OFFSETS_TOPIC || name === TXN_TOPIC)) throw new LogStoreError('INVALID_TOPIC', `'${name}' is an internal topic name`);
    const config = normalizeConfig(name, opts);
    if (this.topics.has(name)) throw new LogStoreError('TOPIC_EXISTS', `topic '${name}' already exists in ${this.dir}`);
    const now = this.now();
    const parts: PartitionLog[] = [];
    for (let p = 0; p < config.partitions; p++) {
      fs.rmSync(path.join(this.dir, `${name}-${p}`), { recursive: true, force: true }); // leftovers of an interrupted delete
      parts.push(PartitionLog.open(this.dir, name, p, config, now));
    }
    this.topics.set(name, { config, parts });
    this.saveMeta();
  }

  // ---------- admin ----------

  async createTopic(name: string, opts: TopicOptions): Promise<void> {
    this.checkOpen();
    this.createTopicSync(name, opts ?? {});
  }

  async listTopics(includeInternal = false): Promise<string[]> {
    return [...this.topics.keys()].filter((t) => includeInternal || !t.startsWith('__')).sort();
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    validateTopicName(name);
    const t = this.topic(name);
    const partitions = t.parts.map((p) => ({
      partition: p.partition, startOffset: p.startOffset, endOffset: p.endOffset, lastStableOffset: p.lastStableOffset,
      bytes: p.bytes, segments: p.segments.length,
    }));
    return { name, config: { ...t.config }, partitions, bytes: partitions.reduce((a, p) => a + p.bytes, 0) };
  }

  async deleteTopic(name: string): Promise<void> {
    validateTopicName(name);
    if (name === OFFSETS_TOPIC || name === TXN_TOPIC) throw new LogStoreError('INVALID_TOPIC', `'${name}' is an internal topic and cannot be deleted`);
    const t = this.topic(name);
    await Promise.all(t.parts.map((p) => this.compacting.get(p)));
    this.topics.delete(name);
    this.saveMeta();
    for (const p of t.parts) p.deleteAll();
  }

  async listGroups(): Promise<string[]> {
    return [...new Set([...this.offsets.keys(), ...this.groups.activeGroups()])].sort();
  }

  async groupLag(groupId: string): Promise<PartitionLag[]> {
    const g = this.offsets.get(groupId) ?? new Map<string, number>();
    const out: PartitionLag[] = [];
    for (const [k, committed] of g) {
      const [topic, ps] = k.split('\u0000');
      const t = this.topics.get(topic);
      const p = t?.parts[Number(ps)];
      if (!p) continue;
      out.push({ topic, partition: Number(ps), committedOffset: committed, endOffset: p.endOffset, lag: Math.max(0, p.endOffset - committed) });
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
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
      let t = this.topics.get(r.topic);
      if (!t) {
        validateTopicName(r.topic);
        if (!this.autoCreate || r.topic.startsWith('__')) this.topic(r.topic);
        this.createTopicSync(r.topic, {});
        t = this.topics.get(r.topic)!;
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
      const t = this.topics.get(name)!;
      if (this.sticky.has(name)) this.sticky.set(name, (this.sticky.get(name)! + 1) % t.parts.length);
    }
    const state = txn ? this.checkTxn(txn) : undefined;
    if (txn && state) {
      const added = [...groups.keys()].filter((l) => !state.partitions.some((p) => p.topic === l.topic && p.partition === l.partition));
      if (added.length || state.state !== 'Ongoing') {
        for (const l of added) state.partitions.push({ topic: l.topic, partition: l.partition, first: l.endOffset });
        state.state = 'Ongoing';
        this.writeTxnState(txn.transactionalId, state);
      }
    }
    const opts = txn ? { producerId: txn.producerId, producerEpoch: txn.epoch, transactional: true } : {};
    for (const [log, g] of groups) {
      const lat = log.config.timestampType === 'LogAppendTime';
      for (let s = 0, e = 0; s < g.recs.length; s = e) {
        // a batch: at most MAX_BATCH_RECORDS records and maxMessageBytes bytes
        for (let bytes = HEADER_SIZE; e < g.recs.length && e - s < MAX_BATCH_RECORDS && (e === s || bytes + g.sizes[e] <= log.config.maxMessageBytes); e++) bytes += g.sizes[e];
        const chunk = s === 0 && e === g.recs.length ? g.recs : g.recs.slice(s, e);
        const base = log.append(chunk, now, opts, this.syncOnRoll);
        for (let j = 0; j < chunk.length; j++) {
          const rec = chunk[j];
          result[g.idx[s + j]] = { topic: log.topic, partition: log.partition, offset: base + j, timestamp: lat ? now : rec.timestamp ?? now };
        }
      }
    }
    await this.durable(groups.keys());
    return result;
  }

  // ---------- fsync ----------

  private async durable(logs: Iterable<PartitionLog>): Promise<void> {
    const p = this.policy;
    if (p === 'none' || typeof p === 'object') return;
    if (p === 'always') { for (const l of logs) l.sync(); return; }
    return this.groupCommit();
  }

  /** Coalesces concurrent 'batch' acks into one fdatasync round over all written partitions. */
  private groupCommit(): Promise<void> {
    if (this.nextFlush) return this.nextFlush;
    const run = async () => {
      if (this.flushing) await this.flushing.catch(() => {});
      this.nextFlush = null;
      const round = this.flushDirty();
      this.flushing = round;
      try { await round; } finally { if (this.flushing === round) this.flushing = null; }
    };
    this.nextFlush = new Promise<void>((resolve, reject) => setImmediate(() => run().then(resolve, reject)));
    return this.nextFlush;
  }

  private flushDirty(): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const t of this.topics.values()) for (const p of t.parts) {
      if (!p.dirty) continue;
      p.dirty = false;
      const fd = p.active.fd;
      jobs.push(new Promise((res, rej) => fs.fdatasync(fd, (e) => (e ? rej(e) : res()))));
    }
    return Promise.all(jobs).then(() => undefined);
  }

  private syncAll(): void {
    if (this.closed) return;
    for (const t of this.topics.values()) for (const p of t.parts) p.sync();
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
        const log = this.topics.get(pos.topic)?.parts[pos.partition];
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
      const p = this.partition(tp.topic, tp.partition);
      if (spec === 'earliest') return p.startOffset;
      if (spec === 'latest') return p.endOffset;
      return p.offsetForTimestamp(spec.timestamp);
    });
  }

  /** Purges whole segments below each offset (the runtime purges repartition topics up to committed offsets). */
  async deleteRecords(offsets: OffsetAndPartition[]): Promise<number> {
    let deleted = 0;
    for (const o of offsets) deleted += this.partition(o.topic, o.partition).deleteBefore(o.offset);
    return deleted;
  }

  /** Reads a partition from an offset without waiting (changelog restore, tools). */
  async read(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation = 'read_uncommitted'): Promise<{ records: ConsumerRecord[]; next: number }> {
    const records: ConsumerRecord[] = [];
    const next = this.partition(tp.topic, tp.partition).readRecords(fromOffset, maxRecords, isolation, records);
    return { records, next };
  }

  /** `read` with a visitor instead of record objects (changelog restore). */
  readEach(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor): { count: number; next: number } {
    return this.partition(tp.topic, tp.partition).readEach(fromOffset, maxRecords, isolation, each);
  }

  // ---------- groups and offsets ----------

  async joinGroup(groupId: string, memberId: string, sub: Subscription): Promise<void> {
    this.groups.join(groupId, memberId, sub);
  }

  async leaveGroup(groupId: string, memberId: string): Promise<void> {
    this.groups.leave(groupId, memberId);
  }

  async assignment(groupId: string, memberId: string): Promise<TopicPartition[]> {
    return this.groups.assignment(groupId, memberId, [...this.topics.keys()], (t) => this.topics.get(t)?.parts.length ?? 0);
  }

  /** Topics a subscription matches now (for consumers without a group). */
  matchTopics(sub: Subscription): string[] {
    return matching(sub, [...this.topics.keys()]);
  }

  private appendOffsets(groupId: string, offsets: OffsetAndPartition[]): PartitionLog {
    const now = this.now();
    const log = this.topics.get(OFFSETS_TOPIC)!.parts[0];
    let g = this.offsets.get(groupId);
    if (!g) this.offsets.set(groupId, (g = new Map()));
    const recs: RecordIn[] = offsets.map((o) => ({ key: offsetKey(groupId, o), value: offsetValue(o.offset, now), timestamp: now }));
    for (let s = 0; s < recs.length; s += MAX_BATCH_RECORDS) log.append(recs.slice(s, s + MAX_BATCH_RECORDS), now, {}, this.syncOnRoll);
    for (const o of offsets) g.set(tpKey(o.topic, o.partition), o.offset);
    return log;
  }

  async commitOffsets(groupId: string, offsets: OffsetAndPartition[]): Promise<void> {
    this.checkOpen();
    if (offsets.length === 0) return;
    await this.durable([this.appendOffsets(groupId, offsets)]);
  }

  async committed(groupId: string, tps: TopicPartition[]): Promise<(number | null)[]> {
    const g = this.offsets.get(groupId);
    return tps.map((tp) => g?.get(tpKey(tp.topic, tp.partition)) ?? null);
  }

  // ---------- transactions ----------

  private writeTxnState(id: string, s: TxnState): PartitionLog {
    const now = this.now();
    const log = this.topics.get(TXN_TOPIC)!.parts[0];
    log.append([{ key: id, value: JSON.stringify(s), timestamp: now }], now, {}, this.syncOnRoll);
    this.txns.set(id, s);
    return log;
  }

  private checkTxn(txn: TxnRef): TxnState {
    const s = this.txns.get(txn.transactionalId);
    if (!s || s.producerId !== txn.producerId || s.epoch !== txn.epoch)
      throw new LogStoreError('FENCED', `producer with transactionalId '${txn.transactionalId}' (epoch ${txn.epoch}) has been fenced by a newer producer with the same transactionalId; close it and create a new one`);
    return s;
  }

  async initTransactions(transactionalId: string): Promise<{ producerId: number; epoch: number }> {
    this.checkOpen();
    let s = this.txns.get(transactionalId);
    if (s && (s.state === 'Ongoing' || s.state === 'PrepareAbort')) this.completeTxn(transactionalId, s, false);
    if (s && s.state === 'PrepareCommit') this.completeTxn(transactionalId, s, true);
    s = s ? { producerId: s.producerId, epoch: s.epoch + 1, state: 'Empty', partitions: [] } : { producerId: this.nextProducerId++, epoch: 0, state: 'Empty', partitions: [] };
    if (s.epoch > 32767) s = { producerId: this.nextProducerId++, epoch: 0, state: 'Empty', partitions: [] };
    await this.durable([this.writeTxnState(transactionalId, s)]);
    return { producerId: s.producerId, epoch: s.epoch };
  }

  /** Two-phase end: Prepare record, markers on every partition (+ offsets), Complete record. Redone on open after a crash. */
  private completeTxn(id: string, s: TxnState, commit: boolean): Set<PartitionLog> {
    const touched = new Set<PartitionLog>();
    const now = this.now();
    touched.add(this.writeTxnState(id, { ...s, state: commit ? 'PrepareCommit' : 'PrepareAbort' }));
    for (const p of s.partitions) {
      const log = this.topics.get(p.topic)?.parts[p.partition];
      if (!log) continue;
      log.writeMarker(commit ? CONTROL_COMMIT : CONTROL_ABORT, s.producerId, s.epoch, now, p.first, this.syncOnRoll);
      touched.add(log);
    }
    if (commit) for (const o of s.offsets ?? []) touched.add(this.appendOffsets(o.groupId, o.offsets));
    touched.add(this.writeTxnState(id, { producerId: s.producerId, epoch: s.epoch, state: commit ? 'CompleteCommit' : 'CompleteAbort', partitions: [] }));
    return touched;
  }

  async endTransaction(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Promise<void> {
    this.checkOpen();
    const s = this.checkTxn(txn);
    await this.durable(this.completeTxn(txn.transactionalId, { ...s, offsets: commit ? offsets : undefined }, commit));
  }

  // ---------- maintenance ----------

  async maintenance(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    const jobs: Promise<void>[] = [];
    for (const t of this.topics.values()) {
      for (const p of t.parts) {
        p.applyRetention(now, this.syncOnRoll);
        if (!t.config.cleanupPolicy.includes('compact') || p.segments.length < 2 || this.compacting.has(p)) continue;
        const activeBase = p.active.baseOffset;
        const last = this.cleanedUpTo.get(p);
        // compact when a segment was rolled since the last run, or when tombstones may have expired
        if (last && last.base >= activeBase && now - last.at <= t.config.deleteRetentionMs) continue;
        const job = compactPartition(p, now, () => this.closed).then(() => { this.cleanedUpTo.set(p, { base: activeBase, at: now }); })
          .finally(() => this.compacting.delete(p));
        this.compacting.set(p, job);
        jobs.push(job);
      }
    }
    await Promise.all(jobs);
  }

  private checkOpen(): void {
    if (this.closed) throw new LogStoreError('CLOSED', `the log in ${this.dir} is closed`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.compacting.values()].map((p) => p.catch(() => {})));
    if (this.nextFlush) await this.nextFlush.catch(() => {});
    for (const t of this.topics.values()) for (const p of t.parts) {
      p.sync(); // whatever the fsync policy: the clean-shutdown marker promises the data is on disk
      p.close();
    }
    const fd = fs.openSync(this.cleanMarker(), 'w');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
}
