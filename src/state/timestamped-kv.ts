/**
 * The DSL's key-value store (Kafka's TimestampedKeyValueStore): values are ValueAndTimestamp<V>,
 * stored as 8-byte timestamp + value bytes. `setFlushListener` wires cache flushes to the KTable
 * processor (Kafka's TimestampedCacheFlushListener / TimestampedTupleForwarder pattern).
 */
import type { KeyValue } from '../api/records.ts';
import type { KeyValueStore } from '../api/stores.ts';
import type { ValueCodec } from './codecs.ts';
import type { BytesLayer } from './layer.ts';
import type { TopicRef } from './metered-base.ts';
import { MeteredKeyValueStore } from './metered-kv.ts';
import type { StoreOptions } from './options.ts';
import type { FlushListener, ValueAndTimestamp } from './types.ts';

/** Kafka's ConsumerRecord.NO_TIMESTAMP: what the plain facade stamps on its writes. */
const NO_TIMESTAMP = -1;

/** The flush listener of a store whose processor has no child: Kafka still installs one (see caching.ts writeDown). */
export const ignoreFlush = (): void => undefined;

export class TimestampedKeyValueStoreImpl<K, V> extends MeteredKeyValueStore<K, ValueAndTimestamp<V>> {
  constructor(opts: StoreOptions<K, V>, inner: BytesLayer, topicRef: TopicRef, codec: ValueCodec<ValueAndTimestamp<V>>) {
    super(opts, inner, topicRef, codec);
  }

  /**
   * Call after init. Returns true when caching is on: the store then forwards on flush (cache
   * flush or eviction) and the processor must NOT forward itself; false: the processor forwards itself.
   */
  setFlushListener(listener: FlushListener<K, V> | null): boolean {
    if (!this.inner.setFlushListener) return false;
    if (listener === null) return this.inner.setFlushListener(ignoreFlush); // no child: nothing to decode
    return this.inner.setFlushListener((k, nv, ov, ctx) =>
      listener(this.key(k), nv === null ? null : this.codec.deserialize(nv), ov === null ? null : this.codec.deserialize(ov), ctx),
    );
  }

  /** A facade with plain values (test driver's getKeyValueStore, interactive queries). */
  asPlainStore(): KeyValueStore<K, V> {
    const plain = async function* (it: AsyncIterable<KeyValue<K, ValueAndTimestamp<V>>>): AsyncIterable<KeyValue<K, V>> {
      for await (const kv of it) yield { key: kv.key, value: kv.value.value };
    };
    const vat = (value: V | null): ValueAndTimestamp<V> | null => (value === null ? null : { value, timestamp: NO_TIMESTAMP });
    return {
      name: this.name,
      get: (key) => this.get(key)?.value,
      range: (from, to) => plain(this.range(from, to)),
      reverseRange: (from, to) => plain(this.reverseRange(from, to)),
      all: () => plain(this.all()),
      reverseAll: () => plain(this.reverseAll()),
      prefixScan: (prefix, ser) => plain(this.prefixScan(prefix, ser)),
      approximateNumEntries: () => this.approximateNumEntries(),
      put: (key, value) => this.put(key, vat(value)),
      putIfAbsent: (key, value) => this.putIfAbsent(key, vat(value)!)?.value,
      putAll: (entries) => this.putAll(entries.map((e) => ({ key: e.key, value: vat(e.value) }))),
      delete: (key) => this.delete(key)?.value,
    };
  }
}
