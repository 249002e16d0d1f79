import type { Serde } from '../api/serde.ts';
import { onTopic, utf8Decoder, utf8Encoder } from './codec.ts';

/**
 * `JSON.stringify` as UTF-8 bytes. A null (or undefined) value is a tombstone and serializes to
 * null bytes rather than the text `null`; null bytes deserialize to null.
 */
export function json<T>(): Serde<T> {
  return JSON_SERDE as Serde<T>;
}

const JSON_SERDE: Serde<unknown> = Object.freeze({
  serialize(v: unknown): Uint8Array | null {
    if (v == null) return null;
    const text = JSON.stringify(v);
    if (text === undefined) throw new TypeError(`serdes.json() cannot serialize a ${typeof v}`);
    return utf8Encoder.encode(text);
  },
  deserialize(b: Uint8Array | null, topic?: string): unknown {
    if (b === null) return null;
    const text = utf8Decoder.decode(b);
    try {
      return JSON.parse(text);
    } catch (e) {
      const preview = text.length > 80 ? `${text.slice(0, 80)}...` : text;
      throw new Error(`serdes.json() could not parse ${b.length} bytes${onTopic(topic)}: ${(e as Error).message}; data: ${preview}`);
    }
  },
});
