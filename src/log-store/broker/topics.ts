/**
 * The broker's topics: metadata in `<dir>/topics.json`, each topic's partition logs, creation with Kafka's
 * config rules, description and deletion. The internal topics (`__consumer_offsets`, `__transaction_state`)
 * always exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LogStoreError } from '../../log-client/errors.ts';
import {
  DEFAULT_TOPIC_CONFIG, type ConsumerRecord, type TopicConfig, type TopicDescription, type TopicOptions,
} from '../../log-client/types.ts';
import { PartitionLog } from '../storage/partition-log.ts';
import { OFFSETS_TOPIC, TXN_TOPIC } from './internal-topics.ts';
import { validateTopicName } from './topic-name.ts';

const INTERNAL: TopicOptions = { partitions: 1, cleanupPolicy: 'compact', segmentBytes: 64 << 20 };

export interface Topic {
  config: TopicConfig;
  parts: PartitionLog[];
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

export class Topics {
  private readonly byName = new Map<string, Topic>();

  /** @param sync whether metadata writes are fsynced (every fsync policy but 'none'). */
  constructor(readonly dir: string, private readonly now: () => number, private readonly sync: boolean) {}

  /** Opens every topic's partitions; `recover` CRC-checks active segments (no clean-shutdown marker). */
  load(recover: boolean): void {
    let meta: { topics: Record<string, TopicConfig> } = { topics: {} };
    if (fs.existsSync(this.metaPath())) meta = JSON.parse(fs.readFileSync(this.metaPath(), 'utf8'));
    const now = this.now();
    for (const [name, stored] of Object.entries(meta.topics)) {
      const config: TopicConfig = { ...DEFAULT_TOPIC_CONFIG, ...stored }; // keys added since the dir was written
      const parts: PartitionLog[] = [];
      for (let p = 0; p < config.partitions; p++) parts.push(PartitionLog.open(this.dir, name, p, config, now, recover));
      this.byName.set(name, { config, parts });
    }
    for (const t of [OFFSETS_TOPIC, TXN_TOPIC]) if (!this.byName.has(t)) this.create(t, INTERNAL, true);
  }

  private metaPath(): string {
    return path.join(this.dir, 'topics.json');
  }

  private saveMeta(): void {
    const topics: Record<string, TopicConfig> = {};
    for (const [n, t] of this.byName) topics[n] = t.config;
    const tmp = this.metaPath() + '.tmp';
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, topics }, null, 1));
    if (this.sync) { const fd = fs.openSync(tmp, 'r'); fs.fsyncSync(fd); fs.closeSync(fd); }
    fs.renameSync(tmp, this.metaPath());
  }

  create(name: string, opts: TopicOptions, internal = false): Topic {
    validateTopicName(name);
    if (!internal && (name === OFFSETS_TOPIC || name === TXN_TOPIC)) throw new LogStoreError('INVALID_TOPIC', `'${name}' is an internal topic name`);
    const config = normalizeConfig(name, opts);
    if (this.byName.has(name)) throw new LogStoreError('TOPIC_EXISTS', `topic '${name}' already exists in ${this.dir}`);
    const now = this.now();
    const parts: PartitionLog[] = [];
    for (let p = 0; p < config.partitions; p++) {
      fs.rmSync(path.join(this.dir, `${name}-${p}`), { recursive: true, force: true }); // leftovers of an interrupted delete
      parts.push(PartitionLog.open(this.dir, name, p, config, now));
    }
    const t = { config, parts };
    this.byName.set(name, t);
    this.saveMeta();
    return t;
  }

  /** The topic, or undefined. */
  find(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  get(name: string): Topic {
    const t = this.byName.get(name);
    if (!t) throw new LogStoreError('UNKNOWN_TOPIC', `unknown topic '${name}' in ${this.dir}: create it first (admin.createTopic or 'streams-run topics create ${name}')`);
    return t;
  }

  partition(topic: string, partition: number): PartitionLog {
    const t = this.get(topic);
    const p = t.parts[partition];
    if (!p) throw new LogStoreError('INVALID_PARTITION', `topic '${topic}' has ${t.parts.length} partition(s), there is no partition ${partition}`);
    return p;
  }

  /** The single partition of an internal topic. */
  internal(name: typeof OFFSETS_TOPIC | typeof TXN_TOPIC): PartitionLog {
    return this.byName.get(name)!.parts[0];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): IterableIterator<Topic> {
    return this.byName.values();
  }

  *partitions(): Generator<PartitionLog> {
    for (const t of this.byName.values()) yield* t.parts;
  }

  describe(name: string): TopicDescription {
    validateTopicName(name);
    const t = this.get(name);
    const partitions = t.parts.map((p) => ({
      partition: p.partition, startOffset: p.startOffset, endOffset: p.endOffset, lastStableOffset: p.lastStableOffset,
      bytes: p.bytes, segments: p.segments.length,
    }));
    return { name, config: { ...t.config }, partitions, bytes: partitions.reduce((a, p) => a + p.bytes, 0) };
  }

  /** Removes a topic; `settle` waits for background work on its partitions before their files go. */
  async delete(name: string, settle: (p: PartitionLog) => Promise<void> | undefined): Promise<void> {
    validateTopicName(name);
    if (name === OFFSETS_TOPIC || name === TXN_TOPIC) throw new LogStoreError('INVALID_TOPIC', `'${name}' is an internal topic and cannot be deleted`);
    const t = this.get(name);
    await Promise.all(t.parts.map(settle));
    this.byName.delete(name);
    this.saveMeta();
    for (const p of t.parts) p.deleteAll();
  }
}

/** Every record of a partition, in order (replaying the internal topics at open). */
export function readAll(log: PartitionLog, each: (r: ConsumerRecord) => void): void {
  let next = log.startOffset;
  while (next < log.endOffset) {
    const out: ConsumerRecord[] = [];
    const n = log.readRecords(next, 10_000, 'read_uncommitted', out);
    for (const r of out) each(r);
    if (n <= next) break;
    next = n;
  }
}
