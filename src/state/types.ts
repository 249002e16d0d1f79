/**
 * The internal contract between stores (src/state) and the task that owns them (src/runtime).
 * Users only ever see the public interfaces of src/api/stores.ts.
 */
import type { Headers, KeyValue, Windowed } from '../api/records.ts';
import type { KeyValueStore, SessionEntry, SessionStore, TimestampedValue, WindowStore } from '../api/stores.ts';

/** Where a logged store sends its changelog records. The runtime backs it with the log; the test driver captures. */
export interface ChangelogSink {
  append(topic: string, partition: number, key: Uint8Array, value: Uint8Array | null, timestamp: number, headers?: Headers): void;
}

/** The context of the record being processed when a store is written: changelog records and cache entries carry it. */
export interface RecordContext {
  timestamp: number;
  topic: string;
  partition: number;
  offset: number;
  headers?: Headers;
}

export interface StoreInitContext {
  applicationId: string;
  taskId: string;
  /** Input partition of the task: changelog records go to this partition of the changelog topic. */
  partition: number;
  /** Directory for persistent stores of this task: `<stateDir>/<applicationId>/<taskId>`. Absent: no disk available. */
  taskDir?: string;
  changelog?: ChangelogSink;
  /** The record being processed (read at write time, so caching and logging stamp the right context). */
  recordContext(): RecordContext;
  /** Max bytes of this store's record cache (0: caching off) when no shared `cacheBudget` is given. */
  cacheMaxBytes: number;
  /**
   * The record-cache budget shared by every cached store of a stream thread (Kafka's ThreadCache:
   * statestore.cache.max.bytes split over the threads). A store going over it evicts from its own cache.
   */
  cacheBudget?: CacheBudget;
  /** The runtime's guard of this task's state on disk (absent: the test driver, global stores). */
  localState?: LocalStateGuard;
}

/**
 * How a task's persistent stores keep their state on disk from running ahead of what was committed
 * (runtime/runner/checkpoint.ts): a checkpoint file says "the stores hold exactly the changelog up to these offsets".
 */
export interface LocalStateGuard {
  /**
   * Called before a persistent store writes anything to disk outside a restore (a write-down at commit, between
   * commits, or a segment drop): from then on the checkpoint no longer describes the disk, so the runtime deletes it.
   */
  beforeWrite(): void;
  /** True once the task closes dirty (fatal error): stores drop their buffered writes instead of writing them down. */
  readonly dirty: boolean;
}

/** Bytes used by all record caches of one thread, against their shared maximum. */
export interface CacheBudget {
  readonly maxBytes: number;
  bytes: number;
  /** Reads answered by the cache, and reads that went below it (Kafka's hit-ratio metric). */
  hits?: number;
  misses?: number;
}

/** Every store the runtime owns. */
export interface StateStoreInternal {
  readonly name: string;
  readonly persistent: boolean;
  /** Changelog topic, or null when logging is off. */
  readonly changelogTopic: string | null;
  init(ctx: StoreInitContext): Promise<void>;
  /** Write cached and buffered data down (cache flush forwards dirty entries to the flush listener first). */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Restore: apply one changelog record (bytes) without logging it again. */
  restore?(key: Uint8Array, value: Uint8Array | null, timestamp: number): void;
  /** See BytesLayer.bulkRestore: on around a changelog restore, then a flush. */
  bulkRestore?(on: boolean): void;
}

/** A value with its timestamp: what DSL key-value stores hold (Kafka's ValueAndTimestamp). */
export interface ValueAndTimestamp<V> {
  value: V;
  timestamp: number;
}

/** Cache flush callback: the key, the new value (null = deleted) and the value it had before this flush interval. */
export type FlushListener<K, V> = (
  key: K,
  newValue: ValueAndTimestamp<V> | null,
  oldValue: ValueAndTimestamp<V> | null,
  context: RecordContext,
) => void;

// ---- Added by the state layer (builders.ts returns these) ----

/** A key-value store as the runtime holds it: lifecycle + the public interface + sync range when in memory. */
export interface KeyValueStoreInternal<K, V> extends StateStoreInternal, KeyValueStore<K, V> {
  reverseAll(): AsyncIterable<KeyValue<K, V>>;
  /** The range synchronously when the stack answers without I/O (memory stores); undefined on LevelDB. */
  rangeSync(from: K | null, to: K | null): KeyValue<K, V>[] | undefined;
}

/** The DSL's key-value store (Kafka's TimestampedKeyValueStore). */
export interface TimestampedKeyValueStoreInternal<K, V> extends KeyValueStoreInternal<K, ValueAndTimestamp<V>> {
  /** Call after init. True: caching is on, the store forwards on flush and the processor must not forward itself. */
  setFlushListener(listener: FlushListener<K, V> | null): boolean;
  /** A facade with plain values (getKeyValueStore of the test driver, interactive queries). */
  asPlainStore(): KeyValueStore<K, V>;
}

/** The last emitted window close time an onWindowClose() aggregation keeps with its store (emit-time.ts). */
export interface EmitTimeKeeper {
  get(): number | null;
  set(closeTime: number): void;
}

/** A window store as the runtime holds it. */
export interface WindowStoreInternal<K, V> extends StateStoreInternal, WindowStore<K, V> {
  readonly windowSize: number;
  readonly retainDuplicates: boolean;
  approximateNumEntries(): number;
  fetchOne(key: K, windowStart: number): V | undefined;
  /** `fetch` without await (memory segments; LevelDB segments through their in-memory key index). */
  fetchSync(key: K, from: number, to: number, reverse?: boolean): Array<TimestampedValue<V>>;
  /** Windows of all keys with start in [from, to], in time order (start, key bytes), without await. */
  fetchAllSync(from: number, to: number): Array<import('../api/stores.ts').WindowStoreEntry<K, V>>;
}

/** The DSL's window store (Kafka's TimestampedWindowStore). */
export interface TimestampedWindowStoreInternal<K, V> extends WindowStoreInternal<K, ValueAndTimestamp<V>> {
  /** Call after init. True: caching is on, the store forwards on flush and the processor must not forward itself. */
  setFlushListener(listener: FlushListener<Windowed<K>, V> | null): boolean;
  /** Where an onWindowClose() aggregation keeps its last emitted close time (null: not kept, e.g. no task dir). */
  readonly emitTime: EmitTimeKeeper | null;
  /** A read facade with plain values (test driver's getWindowStore, interactive queries). */
  asPlainStore(): WindowStore<K, V>;
}

/** A session store as the runtime holds it (values plain; the flush listener's timestamps are session ends). */
export interface SessionStoreInternal<K, V> extends StateStoreInternal, SessionStore<K, V> {
  approximateNumEntries(): number;
  backwardFindSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): AsyncIterable<SessionEntry<K, V>>;
  /** `findSessions` without await (memory segments; LevelDB segments through their in-memory key index). */
  findSessionsSync(key: K, earliestSessionEndTime: number, latestSessionStartTime: number, reverse?: boolean): Array<SessionEntry<K, V>>;
  /** Sessions of all keys with end in [earliestEnd, latestEnd], in time order (end, start, key bytes), without await. */
  findSessionsByEndSync(earliestEnd: number, latestEnd: number): Array<SessionEntry<K, V>>;
  /** Every session of every key. */
  all(): AsyncIterable<SessionEntry<K, V>>;
  /** Call after init. True: caching is on, the store forwards on flush and the processor must not forward itself. */
  setFlushListener(listener: FlushListener<Windowed<K>, V> | null): boolean;
  /** Where an onWindowClose() aggregation keeps its last emitted close time (null: not kept). */
  readonly emitTime: EmitTimeKeeper | null;
}
