/** Public store interfaces (API.md section 3, Processor API). Point operations are synchronous. */
import type { KeyValue, Window } from './records.ts';

export interface ReadOnlyKeyValueStore<K, V> {
  readonly name: string;
  get(key: K): V | undefined;
  range(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>>;
  reverseRange(from: K | null, to: K | null): AsyncIterable<KeyValue<K, V>>;
  all(): AsyncIterable<KeyValue<K, V>>;
  reverseAll?(): AsyncIterable<KeyValue<K, V>>;
  prefixScan<P>(prefix: P, prefixSerializer: { serialize(p: P): Uint8Array | null }): AsyncIterable<KeyValue<K, V>>;
  approximateNumEntries(): number;
}

export interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V | null): void;
  putIfAbsent(key: K, value: V): V | undefined;
  putAll(entries: KeyValue<K, V | null>[]): void;
  delete(key: K): V | undefined;
}

export interface WindowStoreEntry<K, V> {
  key: K;
  window: Window;
  value: V;
}

export interface TimestampedValue<V> {
  timestamp: number;
  value: V;
}

export interface ReadOnlyWindowStore<K, V> {
  readonly name: string;
  /** The value of one window, by key and window start. */
  fetchOne?(key: K, windowStart: number): V | undefined;
  /** All windows of `key` whose start is in [from, to], oldest first, as `{ timestamp: windowStart, value }`. */
  fetch(key: K, from: number, to: number): AsyncIterable<TimestampedValue<V>>;
  backwardFetch(key: K, from: number, to: number): AsyncIterable<TimestampedValue<V>>;
  /** All windows (any key) whose start is in [from, to]. */
  fetchAll(from: number, to: number): AsyncIterable<WindowStoreEntry<K, V>>;
  all(): AsyncIterable<WindowStoreEntry<K, V>>;
}

export interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V> {
  put(key: K, value: V | null, windowStart: number): void;
}

export interface SessionEntry<K, V> {
  key: K;
  window: Window;
  value: V;
}

export interface ReadOnlySessionStore<K, V> {
  readonly name: string;
  /** Sessions of `key` with end >= earliestSessionEndTime and start <= latestSessionStartTime. */
  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): AsyncIterable<SessionEntry<K, V>>;
  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined;
  /** All sessions of `key`. */
  fetch(key: K): AsyncIterable<SessionEntry<K, V>>;
  /** All sessions of all keys (Java's `fetch(null, null)`). */
  all?(): AsyncIterable<SessionEntry<K, V>>;
}

export interface SessionStore<K, V> extends ReadOnlySessionStore<K, V> {
  put(session: { key: K; window: Window }, value: V | null): void;
  remove(session: { key: K; window: Window }): void;
}

export type StoreType = 'keyValue' | 'window' | 'session';

/** A store definition for `builder.addStateStore` (API.md section 3). */
export interface StoreDefinition<K = unknown, V = unknown> {
  name: string;
  type: StoreType;
  key?: import('./serde.ts').Serde<K>;
  value?: import('./serde.ts').Serde<V>;
  store?: 'leveldb' | 'memory';
  logging?: boolean;
  caching?: boolean;
  windowSize?: import('./records.ts').Duration;
  retention?: import('./records.ts').Duration;
  retainDuplicates?: boolean;
}
