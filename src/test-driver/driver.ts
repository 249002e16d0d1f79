/**
 * TopologyTestDriver (API.md section 4): runs a topology with the same processors and stores as the runtime,
 * without a log. Like Java's driver it runs one task over all sub-topologies, pipes records written to the
 * topology's own input or repartition topics back in, commits (flushes stores) after every record, and
 * captures everything else, changelogs included, for output topics. Deterministic: no timers, no threads.
 */
import type { Headers } from '../api/records.ts';
import type { Serde } from '../api/serde.ts';
import type { KeyValueStore, SessionStore, WindowStore } from '../api/stores.ts';
import type { Topology } from '../topology/topology.ts';
import { resolveConfig, type ResolvedConfig, type StreamsConfig } from '../runtime/config.ts';
import { createStoresFor, type StoreHandle } from '../runtime/stores/stores.ts';
import { PartitionGroup } from '../runtime/partition-group.ts';
import { Task } from '../runtime/task.ts';
import { TestInputTopic, type InputTopicOptions } from './input-topic.ts';
import { TestOutputTopic } from './output-topic.ts';
import { RecordQueue, type RawRecord } from './record-queue.ts';
import { bindDefaultSerde } from '../serdes/deferred.ts';
import { changelogTopic, internalTopic } from '../api/topic-names.ts';

/** What the driver accepts: a Topology or an App (anything with applicationId, config and topology()). */
export interface AppLike {
  applicationId: string;
  config?: StreamsConfig;
  topology(): Topology;
}

export interface TestDriverOptions {
  config?: StreamsConfig;
  initialWallClockTime?: number;
}

export class TopologyTestDriver {
  /** @internal */ readonly topology: Topology;
  /** @internal */ readonly config: ResolvedConfig;
  private task: Task | null = null;
  private globalTask: Task | null = null;
  private readonly stores = new Map<string, StoreHandle>();
  private readonly outputs = new Map<string, RecordQueue<RawRecord>>();
  /** Input not yet processed, per topic: records piped in and records written to the task's own (repartition) topics. */
  private readonly pending = new PartitionGroup<RawRecord>();
  private readonly offsets = new Map<string, number>();
  private readonly globalTopics = new Set<string>();
  private wallClock: number;
  private ready: Promise<void>;
  private failed: unknown = null;
  private closed = false;
  /** TestOutputTopic.observe() subscribers: per topic, called with each captured record; `done` at close(). */
  private readonly taps = new Map<string, Set<{ record(r: RawRecord): void; done(): void }>>();

  constructor(app: AppLike | Topology, options: TestDriverOptions = {}) {
    const isApp = !(app instanceof Object && 'subtopologies' in app);
    this.topology = isApp ? (app as AppLike).topology() : (app as Topology);
    const appConfig = isApp ? (app as AppLike).config : undefined;
    const merged: StreamsConfig = { ...(appConfig ?? {}), ...(options.config ?? {}) };
    const applicationId = (isApp ? (app as AppLike).applicationId : undefined) ?? (merged.applicationId as string | undefined) ?? 'test-driver';
    this.config = resolveConfig(applicationId, merged);
    this.wallClock = options.initialWallClockTime ?? Date.now();

    const subs = this.topology.subtopologies;
    const mainNodes = new Set(subs.filter((s) => !s.global).flatMap((s) => s.nodes));
    const globalNodes = new Set(subs.filter((s) => s.global).flatMap((s) => s.nodes));
    const storeOpts = {
      defaultStore: 'memory' as const, defaultKeySerde: this.config.defaultKeySerde, defaultValueSerde: this.config.defaultValueSerde,
      cacheMaxBytes: this.config.cacheMaxBytes,
    };
    const mainStores = createStoresFor(this.topology, mainNodes, false, storeOpts);
    const globalStores = createStoresFor(this.topology, [...mainNodes, ...globalNodes], true, storeOpts);
    for (const spec of this.topology.stores.values()) {
      const h = mainStores.get(spec.name) ?? globalStores.get(spec.name);
      if (h) this.stores.set(spec.name, h);
    }
    const output = { send: (topic: string, partition: number | undefined, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined) => this.capture(topic, key, value, timestamp, headers) };
    const changelog = { append: (topic: string, _p: number, key: Uint8Array, value: Uint8Array | null, timestamp: number, headers?: Headers) => this.capture(topic, key, value, timestamp, headers) };
    // One record cache for all stores, as the TopologyTestDriver's single ThreadCache.
    const cacheBudget = { maxBytes: this.config.cacheMaxBytes, bytes: 0 };
    const common = { topology: this.topology, partition: 0, config: this.config, output, changelog, wallClock: () => this.wallClock, numPartitions: () => 1, log: () => undefined, cacheBudget };
    this.globalTask = globalNodes.size ? new Task({ ...common, nodes: globalNodes, taskId: 'global', stores: globalStores }) : null;
    this.task = mainNodes.size ? new Task({ ...common, nodes: mainNodes, taskId: '0_0', stores: mainStores, sharedStores: globalStores }) : null;
    for (const t of this.globalTask?.topics() ?? []) this.globalTopics.add(t);
    this.ready = (async () => {
      await this.globalTask?.init();
      await this.task?.init();
    })();
    this.ready.catch((e) => (this.failed = e));
  }

  private capture(topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined): void {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    const rec: RawRecord = { topic, partition: 0, offset, key, value, timestamp, headers };
    let list = this.outputs.get(topic);
    if (!list) this.outputs.set(topic, (list = new RecordQueue()));
    list.push(rec);
    if (this.taps.size) this.taps.get(topic)?.forEach((t) => t.record(rec));
    if (this.task?.sourceFor(topic)) this.pending.queue(topic, undefined).push(rec);
  }

  private async pipeRaw(topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined): Promise<void> {
    this.checkOpen();
    await this.ready;
    const isGlobal = this.globalTopics.has(topic);
    const isMain = this.task?.sourceFor(topic) !== undefined;
    if (!isGlobal && !isMain) {
      throw new Error(`Unknown topic: '${topic}' is not an input topic of this topology (inputs: ${this.inputTopics().join(', ') || 'none'}).`);
    }
    const offset = this.offsets.get(`__in:${topic}`) ?? 0;
    this.offsets.set(`__in:${topic}`, offset + 1);
    if (isMain) {
      this.pending.queue(topic, undefined).push({ topic, partition: 0, offset, key, value, timestamp, headers });
      await this.completeAllProcessableWork();
    }
    if (isGlobal) {
      await this.globalTask!.processRaw(topic, 0, offset, key, value, timestamp, headers);
      await this.globalTask!.flush();
    }
  }

  private async completeAllProcessableWork(): Promise<void> {
    const task = this.task;
    if (!task) return;
    let r: RawRecord | undefined;
    while ((r = this.pending.nextRecord())) {
      await task.processRaw(r.topic, r.partition, r.offset, r.key, r.value, r.timestamp, r.headers);
      await task.maybePunctuateStreamTime();
      await task.flush();
    }
  }

  inputTopics(): string[] {
    return [...(this.task?.topics() ?? []), ...this.globalTopics];
  }

  createInputTopic<K = unknown, V = unknown>(topic: string, keySerde?: Serde<K>, valueSerde?: Serde<V>, options?: InputTopicOptions): TestInputTopic<K, V> {
    const src = this.topology.sourceFor(topic);
    const ks = (keySerde ?? src?.keySerde ?? this.config.defaultKeySerde) as Serde<K>;
    const vs = (valueSerde ?? (src?.changes ? undefined : src?.valueSerde) ?? this.config.defaultValueSerde) as Serde<V>;
    return new TestInputTopic<K, V>((t, k, v, ts, h) => this.pipeRaw(t, k, v, ts, h), topic, ks, vs, options);
  }

  createOutputTopic<K = unknown, V = unknown>(topic: string, keySerde?: Serde<K>, valueSerde?: Serde<V>): TestOutputTopic<K, V> {
    // internal (repartition) sinks write `<applicationId>-<topic>`
    const sink = this.topology.sinks().find((s) => (s.internal ? internalTopic(this.config.applicationId, String(s.topic)) : s.topic) === topic && !s.changes);
    const store = [...this.topology.stores.values()].find((s) => changelogTopic(this.config.applicationId, s.name) === topic);
    const ks = (keySerde ?? bindDefaultSerde(sink?.keySerde ?? store?.keySerde, this.config.defaultKeySerde)) as Serde<K>;
    const vs = (valueSerde ?? sink?.valueSerde ?? store?.valueSerde ?? this.config.defaultValueSerde) as Serde<V>;
    return new TestOutputTopic<K, V>(() => this.outputQueue(topic), (tap) => this.tapOutput(topic, tap), topic, ks, vs);
  }

  /** The captured records of a topic, consumed in order. */
  private outputQueue(topic: string): RecordQueue<RawRecord> {
    let list = this.outputs.get(topic);
    if (!list) this.outputs.set(topic, (list = new RecordQueue()));
    return list;
  }

  async advanceWallClockTime(ms: number): Promise<void> {
    this.checkOpen();
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceWallClockTime: ms must be a non-negative number, got ${ms}.`);
    await this.ready;
    this.wallClock += ms;
    if (this.task) {
      await this.task.maybePunctuateWallClock(this.wallClock);
      await this.task.flush();
    }
    await this.completeAllProcessableWork();
  }

  private handle(name: string, what: string): StoreHandle {
    const h = this.stores.get(name);
    if (!h) throw new Error(`${what}('${name}'): no such store; stores are [${[...this.stores.keys()].join(', ')}].`);
    return h;
  }

  getKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStore<K, V> {
    const h = this.handle(name, 'getKeyValueStore');
    if (h.spec.kind !== 'keyValue' && h.spec.kind !== 'timestampedKeyValue') throw new Error(`getKeyValueStore('${name}'): it is a ${h.spec.kind} store.`);
    return h.publicView() as KeyValueStore<K, V>;
  }

  getWindowStore<K = unknown, V = unknown>(name: string): WindowStore<K, V> {
    const h = this.handle(name, 'getWindowStore');
    if (h.spec.kind !== 'window' && h.spec.kind !== 'timestampedWindow') throw new Error(`getWindowStore('${name}'): it is a ${h.spec.kind} store.`);
    return h.publicView() as WindowStore<K, V>;
  }

  getSessionStore<K = unknown, V = unknown>(name: string): SessionStore<K, V> {
    const h = this.handle(name, 'getSessionStore');
    if (h.spec.kind !== 'session') throw new Error(`getSessionStore('${name}'): it is a ${h.spec.kind} store.`);
    return h.publicView() as SessionStore<K, V>;
  }

  getAllStateStores(): Record<string, unknown> {
    return Object.fromEntries([...this.stores].map(([n, h]) => [n, h.publicView()]));
  }

  /** Metrics of the driver's task (processed records, dropped records by reason). */
  metrics(): { processed: number; dropped: Record<string, number>; skipped: number } {
    return this.task ? { ...this.task.metrics, dropped: { ...this.task.metrics.dropped } } : { processed: 0, dropped: {}, skipped: 0 };
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('TopologyTestDriver is closed.');
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.task?.flush();
    await this.task?.close();
    await this.globalTask?.close();
    for (const set of this.taps.values()) for (const t of set) t.done();
    this.taps.clear();
  }

  /** TestOutputTopic.observe(): the records captured on `topic` from now on, then `done` at close(); returns the unsubscribe. */
  private tapOutput(topic: string, tap: { record(r: RawRecord): void; done(): void }): () => void {
    if (this.closed) {
      tap.done();
      return () => undefined;
    }
    let set = this.taps.get(topic);
    if (!set) this.taps.set(topic, (set = new Set()));
    set.add(tap);
    return () => {
      set.delete(tap);
      if (!set.size && this.taps.get(topic) === set) this.taps.delete(topic);
    };
  }
}
