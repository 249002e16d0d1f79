/**
 * Metered key-value store: the top layer, the only one that knows K and V. It turns keys and
 * values into bytes with the serdes (values through a codec: plain, or ValueAndTimestamp), counts
 * operations and delegates to the bytes stack (Caching -> ChangeLogging -> LevelDB / memory).
 */
import type { KeyValue } from '../api/records.ts';
import type { KeyValueStore } from '../api/stores.ts';
import { startsWith } from './bytes.ts';
import type { ValueCodec } from './codecs.ts';
import type { BytesEntry, BytesLayer, RangeQuery } from './layer.ts';
import { MeteredBase, type TopicRef } from './metered-base.ts';
import type { StoreOptions } from './options.ts';

export class MeteredKeyValueStore<K, VS> extends MeteredBase<K> implements KeyValueStore<K, VS> {
  constructor(
    opts: StoreOptions<K, unknown>,
    inner: BytesLayer,
    topicRef: TopicRef,
    protected readonly codec: ValueCodec<VS>,
  ) {
    super(opts, inner, topicRef);
  }

  get(key: K): VS | undefined {
    this.counters.gets++;
    const b = this.inner.get(this.keyBytes(key));
    return b === undefined ? undefined : this.codec.deserialize(b);
  }

  put(key: K, value: VS | null): void {
    this.counters.puts++;
    this.inner.put(this.keyBytes(key), value === null || value === undefined ? null : this.codec.serialize(value));
  }

  putIfAbsent(key: K, value: VS): VS | undefined {
    const old = this.get(key);
    if (old === undefined) this.put(key, value);
    return old;
  }

  putAll(entries: KeyValue<K, VS | null>[]): void {
    for (const e of entries) this.put(e.key, e.value);
  }

  delete(key: K): VS | undefined {
    this.counters.deletes++;
    const k = this.keyBytes(key);
    const old = this.inner.get(k);
    this.inner.put(k, null);
    return old === undefined ? undefined : this.codec.deserialize(old);
  }

  range(from: K | null, to: K | null): AsyncIterable<KeyValue<K, VS>> {
    return this.scan({ from: from === null ? null : this.keyBytes(from), to: to === null ? null : this.keyBytes(to) });
  }

  reverseRange(from: K | null, to: K | null): AsyncIterable<KeyValue<K, VS>> {
    return this.scan({ from: from === null ? null : this.keyBytes(from), to: to === null ? null : this.keyBytes(to), reverse: true });
  }

  all(): AsyncIterable<KeyValue<K, VS>> {
    return this.scan({ from: null, to: null });
  }

  reverseAll(): AsyncIterable<KeyValue<K, VS>> {
    return this.scan({ from: null, to: null, reverse: true });
  }

  async *prefixScan<P>(prefix: P, prefixSerializer: { serialize(p: P): Uint8Array | null }): AsyncIterable<KeyValue<K, VS>> {
    const p = prefixSerializer.serialize(prefix);
    if (p === null) throw new TypeError(`state store '${this.name}': prefixScan prefix serialized to null`);
    for await (const kv of this.scanBytes({ from: p, to: null })) {
      if (!startsWith(kv[0], p)) return;
      yield { key: this.key(kv[0]), value: this.codec.deserialize(kv[1]) };
    }
  }

  /** Synchronous range when the stack can answer without I/O (memory stores), else undefined. */
  rangeSync(from: K | null, to: K | null): KeyValue<K, VS>[] | undefined {
    const q = { from: from === null ? null : this.keyBytes(from), to: to === null ? null : this.keyBytes(to) };
    return this.inner.rangeSync(q)?.map(([k, v]) => ({ key: this.key(k), value: this.codec.deserialize(v) }));
  }

  private scanBytes(q: RangeQuery): AsyncIterable<BytesEntry> {
    this.counters.ranges++;
    return this.inner.range(q);
  }

  private async *scan(q: RangeQuery): AsyncIterable<KeyValue<K, VS>> {
    // Kafka returns an empty iterator (with a warning) for from > to.
    if (q.from !== null && q.to !== null && Buffer.compare(q.from, q.to) > 0) return;
    for await (const [k, v] of this.scanBytes(q)) yield { key: this.key(k), value: this.codec.deserialize(v) };
  }
}
