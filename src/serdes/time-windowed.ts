import type { Serde } from '../api/serde.ts';
import { toMillis, type Duration, type Windowed } from '../api/records.ts';
import { decodeTimeWindowedKey, encodeTimeWindowedKey, innerKeyBytes } from './windowed.ts';

/**
 * `Windowed<K>` keys of time windows in Kafka's `TimeWindowedSerde` layout: inner key bytes +
 * 8-byte big-endian window start. The end is not on the wire: it is `start + windowSize` when
 * `windowSize` is given, else `Number.MAX_SAFE_INTEGER` (Java uses `Long.MAX_VALUE`, which a JS
 * number cannot hold exactly), and also that cap when `start + windowSize` would exceed it (Java
 * likewise truncates an overflowing end to `Long.MAX_VALUE`). Null and empty bytes deserialize to null.
 */
export function windowed<K>(inner: Serde<K>, options: { windowSize?: Duration } = {}): Serde<Windowed<K>> {
  const size = options.windowSize === undefined ? undefined : toMillis(options.windowSize, 'windowSize');
  return Object.freeze({
    serialize(v: Windowed<K>, topic?: string): Uint8Array | null {
      if (v == null) return null;
      return encodeTimeWindowedKey(innerKeyBytes(inner.serialize(v.key, topic), topic), v.window.start);
    },
    deserialize(b: Uint8Array | null, topic?: string): Windowed<K> {
      if (b === null || b.length === 0) return null as unknown as Windowed<K>;
      const { keyBytes, start } = decodeTimeWindowedKey(b, topic);
      const end = size === undefined ? Number.MAX_SAFE_INTEGER : Math.min(start + size, Number.MAX_SAFE_INTEGER);
      return { key: inner.deserialize(keyBytes, topic), window: { start, end } };
    },
  });
}
