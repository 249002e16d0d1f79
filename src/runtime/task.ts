/**
 * A task: the processors and stores of one sub-topology (or several, in the test driver) for one partition.
 * It deserializes input at the source (serdes run once at the edges), runs records depth-first through the
 * compiled processor closures, keeps stream time, fires punctuators and flushes stores on commit.
 * The runtime loop and the test driver both drive tasks; neither knows the processor kinds.
 */
import type { Headers, StreamRecord } from '../api/records.ts';
import type { SinkNode, SourceNode } from '../topology/graph.ts';
import type { Topology } from '../topology/topology.ts';
import type { CacheBudget, ChangelogSink, LocalStateGuard, RecordContext } from '../state/types.ts';
import type { ResolvedConfig } from './config.ts';
import type { StoreHandle } from './stores/stores.ts';
import { processors } from '../processors/index.ts';
import type { DroppedRecord, MaybePromise, NodeContext, ProcImpl, Rec, TaskServices } from '../processors/types.ts';
import { Punctuation } from './punctuation.ts';
import { ProcessingError, handleError } from './errors.ts';
import { bindDefaultSerde } from '../serdes/deferred.ts';
import { internalTopic } from '../api/topic-names.ts';
import { decodeChange, encodeChange } from './change-codec.ts';

export interface RecordSink {
  send(topic: string, partition: number | undefined, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined): void;
}

export interface TaskSetup {
  topology: Topology;
  nodes: ReadonlySet<string>;
  taskId: string;
  partition: number;
  config: ResolvedConfig;
  stores: Map<string, StoreHandle>;
  /** Stores owned elsewhere that this task may read (global stores). */
  sharedStores?: Map<string, StoreHandle>;
  taskDir?: string;
  output: RecordSink;
  changelog?: ChangelogSink;
  wallClock: () => number;
  numPartitions?: (topic: string) => number | undefined;
  log?: (message: string) => void;
  /** The record-cache budget this task's stores share with the other tasks of its thread (default: its own). */
  cacheBudget?: CacheBudget;
  /** The runner's guard of this task's state on disk against its checkpoint (see LocalStateGuard). */
  localState?: LocalStateGuard;
}

interface Compiled {
  impl: ProcImpl;
  children: Compiled[];
  name: string;
  /** Records this node processed (Kafka's process-total per processor node). */
  count: number;
}

export interface TaskMetrics {
  processed: number;
  dropped: Record<string, number>;
  /** Dropped records per operator, then reason (Kafka's dropped-records metric, labelled). */
  droppedBy: Record<string, Record<string, number>>;
  skipped: number;
  /** Records sent to sink topics (outputs, repartition and dead-letter topics; changelogs not included). */
  sent: number;
}

export class Task implements TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  readonly config: ResolvedConfig;
  readonly metrics: TaskMetrics = { processed: 0, dropped: {}, droppedBy: {}, skipped: 0, sent: 0 };
  private streamTimeMs = -1;
  /** The timestamp of the input record processRaw took last, -1 when it skipped it (the caller's partition time). */
  lastInputTimestamp = -1;
  private meta: { topic: string; partition: number; offset: number } | null = null;
  private current: RecordContext = { timestamp: -1, topic: '', partition: -1, offset: -1 };
  private currentNode = '';
  /** The input record's bytes while it is processed (what a dead-letter topic receives). */
  private rawKey: Uint8Array | null = null;
  private rawValue: Uint8Array | null = null;
  private readonly compiled = new Map<string, Compiled>();
  private readonly sourcesByTopic = new Map<string, SourceNode>();
  private readonly punctuation = new Punctuation();

  constructor(private readonly setup: TaskSetup) {
    this.applicationId = setup.config.applicationId;
    this.taskId = setup.taskId;
    this.partition = setup.partition;
    this.config = setup.config;
    this.compile();
  }

  /** Input topics of this task (internal ones prefixed with the applicationId). */
  topics(): string[] {
    return [...this.sourcesByTopic.keys()];
  }

  physicalTopic(topic: string, internal: boolean): string {
    return internal ? internalTopic(this.applicationId, topic) : topic;
  }

  private compile(): void {
    const { topology, nodes } = this.setup;
    for (const name of topology.order) {
      if (!nodes.has(name)) continue;
      const n = topology.node(name);
      const compiled: Compiled = { impl: { process: () => undefined }, children: [], name, count: 0 };
      this.compiled.set(name, compiled);
      if (n.type === 'source') {
        for (const t of n.topics) this.sourcesByTopic.set(this.physicalTopic(t, n.internal), n);
        compiled.impl = { process: (r) => this.forwardTo(compiled, r) };
      } else if (n.type === 'sink') {
        compiled.impl = this.sinkImpl(n);
      } else {
        const ctx = this.nodeContext(compiled, topology.sendOldValues.has(name));
        const factory = processors[n.kind] as (node: typeof n, ctx: NodeContext) => ProcImpl;
        compiled.impl = factory(n, ctx);
      }
    }
    for (const [name, c] of this.compiled) {
      for (const child of topology.children(name)) {
        const cc = this.compiled.get(child);
        if (cc) c.children.push(cc);
      }
    }
  }

  /** Pattern subscriptions: the source for a topic not known by name. */
  sourceFor(topic: string): SourceNode | undefined {
    const known = this.sourcesByTopic.get(topic);
    if (known) return known;
    for (const name of this.setup.nodes) {
      const n = this.setup.topology.node(name);
      if (n.type === 'source' && n.pattern && n.pattern.test(topic)) return n;
    }
    return undefined;
  }

  private nodeContext(self: Compiled, sendOldValues: boolean): NodeContext {
    return {
      node: self.name,
      task: this,
      sendOldValues,
      forward: (rec, child) => {
        if (child === undefined) return this.forwardTo(self, rec);
        const target = self.children.find((c) => c.name === child);
        if (!target) throw new Error(`${self.name}: no child named '${child}'.`);
        return this.call(target, rec);
      },
      childNames: () => self.children.map((c) => c.name),
    };
  }

  private call(c: Compiled, rec: Rec): MaybePromise {
    const prevNode = this.currentNode;
    const prevTs = this.current.timestamp;
    const prevHeaders = this.current.headers;
    this.currentNode = c.name;
    this.current.timestamp = rec.timestamp;
    this.current.headers = rec.headers;
    c.count++;
    const r = c.impl.process(rec);
    if (r instanceof Promise) return r.catch((e: unknown) => this.failedIn(e, c.name));
    this.currentNode = prevNode;
    this.current.timestamp = prevTs;
    this.current.headers = prevHeaders;
  }

  /** The node an async failure came from (the innermost one): by the time it rejects, currentNode has moved on. */
  private readonly errorNodes = new WeakMap<object, string>();
  private failedIn(e: unknown, node: string): never {
    if (typeof e === 'object' && e !== null && !this.errorNodes.has(e)) this.errorNodes.set(e, node);
    throw e;
  }
  private operatorOf(e: unknown, fallback: string): string {
    return (typeof e === 'object' && e !== null ? this.errorNodes.get(e) : undefined) ?? (this.currentNode || fallback);
  }

  private forwardTo(c: Compiled, rec: Rec, from = 0): MaybePromise {
    const cs = c.children;
    for (let i = from; i < cs.length; i++) {
      const r = this.call(cs[i], rec);
      if (r instanceof Promise) return r.then(() => this.forwardTo(c, rec, i + 1));
    }
  }

  private sinkImpl(n: SinkNode): ProcImpl {
    const keySerde = bindDefaultSerde(n.keySerde, this.config.defaultKeySerde);
    const valueSerde = n.valueSerde ?? this.config.defaultValueSerde;
    const fixed = typeof n.topic === 'string' ? this.physicalTopic(n.topic, n.internal) : null;
    const extractor = typeof n.topic === 'function' ? n.topic : null;
    return {
      process: (r) => {
        const topic = fixed ?? extractor!({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers, ...this.meta });
        let key: Uint8Array | null;
        let value: Uint8Array | null;
        try {
          value = n.changes ? encodeChange(valueSerde, r, topic) : valueSerde.serialize(r.value, topic);
          key = keySerde.serialize(r.key, topic);
        } catch (e) {
          // Kafka hands serialization failures at a sink to the production exception handler.
          const m = this.meta;
          return handleError(this, 'production', this.config.productionExceptionHandler, e, {
            topic: m?.topic ?? topic, partition: m?.partition ?? -1, offset: m?.offset ?? -1, operator: n.name,
            key: this.rawKey, value: this.rawValue, headers: r.headers, timestamp: r.timestamp,
          });
        }
        let partition: number | undefined;
        if (n.partitioner) {
          const count = this.numPartitions(topic);
          if (count !== undefined) partition = n.partitioner(topic, r.key, r.value, count);
        }
        this.send(topic, key, value, r.timestamp, r.headers, partition);
      },
    };
  }

  /** Records processed per processor node of this task (sources, processors and sinks). */
  processorCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, c] of this.compiled) out[name] = c.count;
    return out;
  }

  /** A committed partition time (Kafka's PartitionGroup.setPartitionTime): stream time is at least that. */
  restoreStreamTime(partitionTime: number): void {
    if (partitionTime > this.streamTimeMs) this.streamTimeMs = partitionTime;
  }

  // ---- TaskServices ----
  streamTime(): number {
    return this.streamTimeMs;
  }
  wallClockTime(): number {
    return this.setup.wallClock();
  }
  recordMetadata() {
    return this.meta;
  }
  numPartitions(topic: string): number | undefined {
    return this.setup.numPartitions?.(topic);
  }
  warn(message: string): void {
    this.setup.log?.(message);
  }
  send(topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined, partition: number | undefined): void {
    this.metrics.sent++;
    this.setup.output.send(topic, partition, key, value, timestamp, headers);
  }
  getStore<T>(name: string, by: string): T {
    const h = this.setup.stores.get(name) ?? this.setup.sharedStores?.get(name);
    if (!h) throw new Error(`${by}: store '${name}' is not available in task ${this.taskId}.`);
    return h.dsl as T;
  }
  getPublicStore<T>(name: string, by: string): T {
    const h = this.setup.stores.get(name) ?? this.setup.sharedStores?.get(name);
    if (!h) throw new Error(`${by}: store '${name}' is not available in task ${this.taskId}.`);
    return h.publicView() as T;
  }
  schedule(intervalMs: number, type: 'stream-time' | 'wall-clock', cb: (ts: number) => MaybePromise) {
    const node = this.currentNode;
    const start = type === 'stream-time' ? 0 : this.setup.wallClock() + intervalMs;
    return this.punctuation.schedule(type, start, intervalMs, node, cb);
  }
  dropped(e: Omit<DroppedRecord, 'topic' | 'partition' | 'offset'> & { topic?: string; partition?: number; offset?: number }): void {
    this.metrics.dropped[e.reason] = (this.metrics.dropped[e.reason] ?? 0) + 1;
    const by = (this.metrics.droppedBy[e.operator] ??= {});
    by[e.reason] = (by[e.reason] ?? 0) + 1;
    const full: DroppedRecord = {
      ...e, topic: e.topic ?? this.meta?.topic ?? '', partition: e.partition ?? this.meta?.partition ?? -1, offset: e.offset ?? this.meta?.offset ?? -1,
    };
    this.config.onDroppedRecord?.(full);
    if (this.config.droppedRecordsTopic) {
      const enc = new TextEncoder();
      this.send(this.config.droppedRecordsTopic, null, enc.encode(JSON.stringify(full)), full.timestamp, undefined, undefined);
    }
  }

  // ---- lifecycle ----
  /** Opens and registers the stores and their processors, in Kafka's order: stores, restore (by the caller), processors. */
  async init(): Promise<void> {
    await this.initStores();
    await this.initProcessors();
  }

  /** Opens the stores. The stream thread restores them from their changelogs before initProcessors. */
  async initStores(): Promise<void> {
    for (const h of this.setup.stores.values()) {
      await h.internal.init({
        applicationId: this.applicationId, taskId: this.taskId, partition: this.partition, taskDir: this.setup.taskDir,
        changelog: this.setup.changelog, recordContext: () => this.current, cacheMaxBytes: this.config.cacheMaxBytes,
        cacheBudget: this.setup.cacheBudget, localState: this.setup.localState,
      });
    }
  }

  /** Initializes the processors (Kafka: when the task's restoration completes), so init() sees restored stores. */
  async initProcessors(): Promise<void> {
    for (const c of this.compiled.values()) {
      this.currentNode = c.name;
      await c.impl.init?.();
    }
    this.currentNode = '';
  }

  /** Processes one raw input record of `topic`; returns a promise only when a processor is async. */
  processRaw(topic: string, partition: number, offset: number, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined): MaybePromise {
    const source = this.sourceFor(topic);
    if (!source) throw new Error(`task ${this.taskId}: no source reads topic '${topic}'.`);
    this.meta = { topic, partition, offset };
    this.lastInputTimestamp = -1;
    this.rawKey = key;
    this.rawValue = value;
    let rec: Rec;
    try {
      const k = (source.keySerde ?? this.config.defaultKeySerde).deserialize(key, topic);
      const vs = source.valueSerde ?? this.config.defaultValueSerde;
      if (source.changes && value !== null) {
        const ch = decodeChange(vs, value, topic);
        rec = { key: k, value: ch.value, oldValue: ch.oldValue, timestamp, headers };
      } else {
        rec = { key: k, value: vs.deserialize(value, topic), timestamp, headers };
      }
    } catch (e) {
      this.meta = null;
      return handleError(this, 'deserialization', this.config.deserializationExceptionHandler, e, { topic, partition, offset, operator: source.name, key, value, headers, timestamp });
    }
    const extractor = source.timestampExtractor ?? this.config.timestampExtractor;
    if (extractor) {
      rec.timestamp = extractor({ ...rec, topic, partition, offset } as StreamRecord<unknown, unknown>, this.streamTimeMs);
    }
    if (!Number.isFinite(rec.timestamp) || rec.timestamp < 0) {
      throw new ProcessingError(`invalid timestamp ${rec.timestamp} for the record at ${topic}-${partition} offset ${offset} (source ${source.name}); records need a non-negative timestamp: set one when producing or give the source a timestampExtractor.`);
    }
    if (rec.timestamp > this.streamTimeMs) this.streamTimeMs = rec.timestamp;
    this.lastInputTimestamp = rec.timestamp;
    this.current = { timestamp: rec.timestamp, topic, partition, offset, headers };
    this.metrics.processed++;
    const c = this.compiled.get(source.name)!;
    c.count++;
    // No closure per record here: tsx's keepNames wraps each named one in a __name call (3% of the B2 profile).
    try {
      const r = this.forwardTo(c, rec);
      if (r instanceof Promise) return r.catch((e: unknown) => this.processingFailed(e, source.name, topic, partition, offset, key, value, headers, timestamp));
    } catch (e) {
      return this.processingFailed(e, source.name, topic, partition, offset, key, value, headers, timestamp);
    } finally {
      this.currentNode = '';
    }
  }

  private processingFailed(
    e: unknown, source: string, topic: string, partition: number, offset: number,
    key: Uint8Array | null, value: Uint8Array | null, headers: Headers | undefined, timestamp: number,
  ): MaybePromise {
    return handleError(this, 'processing', this.config.processingExceptionHandler, e, { topic, partition, offset, operator: this.operatorOf(e, source), key, value, headers, timestamp });
  }

  maybePunctuateStreamTime(): MaybePromise {
    return this.punctuation.fire('stream-time', this.streamTimeMs, (node, cb, ts) => this.inPunctuator(node, cb, ts));
  }

  maybePunctuateWallClock(now: number): MaybePromise {
    return this.punctuation.fire('wall-clock', now, (node, cb, ts) => this.inPunctuator(node, cb, ts));
  }

  private inPunctuator(node: string, cb: (ts: number) => MaybePromise, ts: number): MaybePromise {
    this.meta = null;
    this.currentNode = node;
    this.current = { timestamp: ts, topic: '', partition: -1, offset: -1 };
    const r = cb(ts);
    if (r instanceof Promise) return r.finally(() => (this.currentNode = ''));
    this.currentNode = '';
  }

  /** Commit step 1: flush every store (caches forward their dirty entries, LevelDB writes its batch). */
  async flush(): Promise<void> {
    for (const h of this.setup.stores.values()) await h.internal.flush();
  }

  async close(): Promise<void> {
    for (const c of this.compiled.values()) await c.impl.close?.();
    for (const h of this.setup.stores.values()) await h.internal.close();
  }

  /**
   * Close after a fatal error (Kafka's closeDirty): the runner has set its LocalStateGuard dirty, so persistent
   * stores drop what was not committed instead of writing it down. Errors are logged, not thrown: the error that
   * stopped the task stays the one reported, and every store still gets closed.
   */
  async closeDirty(): Promise<void> {
    const attempt = async (what: string, f: () => Promise<void> | void): Promise<void> => {
      try {
        await f();
      } catch (e) {
        this.setup.log?.(`task ${this.taskId}: closing ${what} after a fatal error failed (ignored): ${(e as Error).message}`);
      }
    };
    for (const c of this.compiled.values()) await attempt(`processor ${c.name}`, () => c.impl.close?.());
    for (const h of this.setup.stores.values()) await attempt(`store ${h.spec.name}`, () => h.internal.close());
  }
}
