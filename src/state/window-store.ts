/**
 * Metered window store. Store key layout (Kafka's WindowKeySchema, also the changelog key):
 * key bytes + 8-byte big-endian window start + 4-byte sequence number (0 unless retainDuplicates,
 * where every put gets the next number so that stream-stream joins keep duplicates).
 * Values: plain V, or ValueAndTimestamp<V> for the DSL's timestamped variant.
 */
import { ignoreFlush } from './timestamped-kv.ts';
import type { Window, Windowed } from '../api/records.ts';
import type { TimestampedValue, WindowStore, WindowStoreEntry } from '../api/stores.ts';
import { readLong, startsWith, writeLong } from './bytes.ts';
import type { ValueCodec } from './codecs.ts';
import type { BytesEntry, BytesLayer, RangeQuery } from './layer.ts';
import { MeteredBase, type TopicRef } from './metered-base.ts';
import type { StoreOptions } from './options.ts';
import type { FlushListener, ValueAndTimestamp } from './types.ts';

const SUFFIX = 12;

export function windowStoreKey(key: Uint8Array, start: number, seq: number): Uint8Array {
  const out = new Uint8Array(key.length + SUFFIX);
  out.set(key, 0);
  writeLong(out, key.length, start);
  const at = key.length + 8;
  out[at] = seq >>> 24;
  out[at + 1] = (seq >>> 16) & 0xff;
  out[at + 2] = (seq >>> 8) & 0xff;
  out[at + 3] = seq & 0xff;
  return out;
}

/** Segment time of a window store key: the window start. */
export const windowStartOf = (k: Uint8Array): number => readLong(k, k.length - SUFFIX);

export class MeteredWindowStore<K, VS> extends MeteredBase<K> implements WindowStore<K, VS> {
  private seq = 0;
  /**
   * The store of an onWindowClose() aggregation: Kafka's time-ordered window store, whose reads also show a window
   * starting exactly at observed stream time - retention (RangeQuery.timeOrdered).
   */
  timeOrdered = false;

  constructor(
    opts: StoreOptions<K, unknown>,
    inner: BytesLayer,
    topicRef: TopicRef,
    protected readonly codec: ValueCodec<VS>,
    readonly windowSize: number,
    readonly retainDuplicates: boolean,
  ) {
    super(opts, inner, topicRef);
  }

  /**
   * The last primitive key and its bytes: an aggregation fetches and puts each of a record's windows with the same
   * key (hopping windows: several), which then serializes once. Object keys are not memoized (they may be mutated).
   */
  put(key: K, value: VS | null, windowStart: number): void {
    this.counters.puts++;
    if (value === null && this.retainDuplicates) return; // as Kafka: a null never removes a duplicate
    if (this.retainDuplicates) this.seq = (this.seq + 1) & 0x7fffffff;
    this.inner.put(windowStoreKey(this.keyBytes(key), windowStart, this.seq), value === null ? null : this.codec.serialize(value));
  }

  fetchOne(key: K, windowStart: number): VS | undefined {
    this.counters.gets++;
    const b = this.inner.get(windowStoreKey(this.keyBytes(key), windowStart, 0));
    return b === undefined ? undefined : this.codec.deserialize(b);
  }

  private keyQuery(key: K, from: number, to: number, reverse: boolean): { q: RangeQuery; keep: (k: Uint8Array) => boolean } {
    const kb = this.keyBytes(key);
    // Kafka's WindowKeySchema.lowerRangeFixedSize clamps the lower end at 0 (a negative long sorts after every positive
    // one); the upper end and the time filter are not clamped, as in Kafka.
    const q = { from: windowStoreKey(kb, Math.max(0, from), 0), to: windowStoreKey(kb, to, 0xffffffff), segmentFrom: from, segmentTo: to, reverse, timeOrdered: this.timeOrdered };
    const keep = (k: Uint8Array): boolean => {
      if (k.length !== kb.length + SUFFIX || !startsWith(k, kb)) return false;
      const t = windowStartOf(k);
      return t >= from && t <= to;
    };
    return { q, keep };
  }

  private async *timed(key: K, from: number, to: number, reverse: boolean): AsyncIterable<TimestampedValue<VS>> {
    if (from > to) return;
    this.counters.ranges++;
    const { q, keep } = this.keyQuery(key, from, to, reverse);
    for await (const [k, v] of this.inner.range(q)) if (keep(k)) yield { timestamp: windowStartOf(k), value: this.codec.deserialize(v) };
  }

  /** All windows of `key` with start in [from, to], oldest first. */
  fetch(key: K, from: number, to: number): AsyncIterable<TimestampedValue<VS>> {
    return this.timed(key, from, to, false);
  }

  backwardFetch(key: K, from: number, to: number): AsyncIterable<TimestampedValue<VS>> {
    return this.timed(key, from, to, true);
  }

  /** `fetch` without await, for processors (memory segments, or LevelDB segments through their key index). */
  fetchSync(key: K, from: number, to: number, reverse = false): Array<TimestampedValue<VS>> {
    if (from > to) return [];
    this.counters.ranges++;
    const { q, keep } = this.keyQuery(key, from, to, reverse);
    const entries = this.inner.rangeSync(q);
    if (entries === undefined) throw new Error(`window store '${this.name}': fetchSync is not available on this store stack`);
    return entries.filter(([k]) => keep(k)).map(([k, v]) => ({ timestamp: windowStartOf(k), value: this.codec.deserialize(v) }));
  }

  windowedKey(k: Uint8Array): Windowed<K> {
    const start = windowStartOf(k);
    const window: Window = { start, end: start + this.windowSize };
    return { key: this.key(k.subarray(0, k.length - SUFFIX)), window };
  }

  private entry([k, v]: BytesEntry): WindowStoreEntry<K, VS> {
    const { key, window } = this.windowedKey(k);
    return { key, window, value: this.codec.deserialize(v) };
  }

  /** All windows of any key with start in [from, to] (segment by segment, key order inside one). */
  async *fetchAll(from: number, to: number): AsyncIterable<WindowStoreEntry<K, VS>> {
    if (from > to) return;
    this.counters.ranges++;
    for await (const e of this.inner.range({ from: null, to: null, segmentFrom: from, segmentTo: to, timeOrdered: this.timeOrdered })) {
      const t = windowStartOf(e[0]);
      if (t >= from && t <= to) yield this.entry(e);
    }
  }

  /**
   * All windows of any key with start in [from, to], synchronously, in time order (start, then key bytes):
   * the order of Kafka's time-ordered window store that EmitStrategy.onWindowClose() range-fetches, with its
   * retention bound (a window starting exactly at observed stream time - retention is still returned).
   */
  fetchAllSync(from: number, to: number): Array<WindowStoreEntry<K, VS>> {
    if (from > to) return [];
    this.counters.ranges++;
    const entries = this.inner.rangeSync({ from: null, to: null, segmentFrom: from, segmentTo: to, timeOrdered: true });
    if (entries === undefined) throw new Error(`window store '${this.name}': fetchAllSync is not available on this store stack`);
    const kept = entries.filter(([k]) => {
      const t = windowStartOf(k);
      return t >= from && t <= to;
    });
    kept.sort(([a], [b]) => windowStartOf(a) - windowStartOf(b) || compareKeyPart(a, b, SUFFIX));
    return kept.map((e) => this.entry(e));
  }

  async *all(): AsyncIterable<WindowStoreEntry<K, VS>> {
    this.counters.ranges++;
    for await (const e of this.inner.range({ from: null, to: null, timeOrdered: this.timeOrdered })) yield this.entry(e);
  }
}

/** The DSL's window store (Kafka's TimestampedWindowStore): values are ValueAndTimestamp<V>. */
export class TimestampedWindowStoreImpl<K, V> extends MeteredWindowStore<K, ValueAndTimestamp<V>> {
  /** Call after init. True: caching is on, the store forwards on flush; the processor must not forward itself. */
  setFlushListener(listener: FlushListener<Windowed<K>, V> | null): boolean {
    if (!this.inner.setFlushListener) return false;
    if (listener === null) return this.inner.setFlushListener(ignoreFlush);
    return this.inner.setFlushListener((k, nv, ov, ctx) =>
      listener(this.windowedKey(k), nv === null ? null : this.codec.deserialize(nv), ov === null ? null : this.codec.deserialize(ov), ctx),
    );
  }

  /** A facade with plain values; its writes carry Kafka's NO_TIMESTAMP (-1). */
  asPlainStore(): WindowStore<K, V> {
    const timed = async function* (it: AsyncIterable<TimestampedValue<ValueAndTimestamp<V>>>): AsyncIterable<TimestampedValue<V>> {
      for await (const e of it) yield { timestamp: e.timestamp, value: e.value.value };
    };
    const entries = async function* (it: AsyncIterable<WindowStoreEntry<K, ValueAndTimestamp<V>>>): AsyncIterable<WindowStoreEntry<K, V>> {
      for await (const e of it) yield { key: e.key, window: e.window, value: e.value.value };
    };
    return {
      name: this.name,
      fetchOne: (key, start) => this.fetchOne(key, start)?.value,
      fetch: (key, from, to) => timed(this.fetch(key, from, to)),
      backwardFetch: (key, from, to) => timed(this.backwardFetch(key, from, to)),
      fetchAll: (from, to) => entries(this.fetchAll(from, to)),
      all: () => entries(this.all()),
      put: (key, value, start) => this.put(key, value === null ? null : { value, timestamp: -1 }, start),
    };
  }
}

/** Unsigned comparison of the key parts (without the `suffix` bytes) of two store keys. */
export function compareKeyPart(a: Uint8Array, b: Uint8Array, suffix: number): number {
  const la = a.length - suffix;
  const lb = b.length - suffix;
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return la - lb;
}
