import type { Serde } from '../api/serde.ts';
import type { Windowed } from '../api/records.ts';
import { decodeSessionWindowedKey, encodeSessionWindowedKey, innerKeyBytes } from './windowed.ts';

/**
 * `Windowed<K>` keys of session windows in Kafka's `SessionWindowedSerde` layout: inner key bytes +
 * 8-byte big-endian end + 8-byte big-endian start (both bounds inclusive). Null and empty bytes
 * deserialize to null.
 */
export function sessionWindowed<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return Object.freeze({
    serialize(v: Windowed<K>, topic?: string): Uint8Array | null {
      if (v == null) return null;
      return encodeSessionWindowedKey(innerKeyBytes(inner.serialize(v.key, topic), topic), v.window.start, v.window.end);
    },
    deserialize(b: Uint8Array | null, topic?: string): Windowed<K> {
      if (b === null || b.length === 0) return null as unknown as Windowed<K>;
      const { keyBytes, start, end } = decodeSessionWindowedKey(b, topic);
      return { key: inner.deserialize(keyBytes, topic), window: { start, end } };
    },
  });
}
