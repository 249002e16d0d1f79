/**
 * Kafka's windowed-key byte layouts (`WindowKeySchema.toBinary`, `SessionKeySchema.toBinary`) and the
 * serdes built on them. Time windows: key bytes + 8-byte big-endian start. Sessions: key bytes +
 * 8-byte end + 8-byte start. Stores use the encode/decode helpers directly on raw key bytes.
 */
import { onTopic, readInt64, writeInt64 } from './codec.ts';

/** Time-window key: `keyBytes ++ start` (8 bytes, big-endian). */
export function encodeTimeWindowedKey(keyBytes: Uint8Array, start: number): Uint8Array {
  const out = new Uint8Array(keyBytes.length + 8);
  out.set(keyBytes, 0);
  writeInt64(out, keyBytes.length, start);
  return out;
}

/** Inverse of {@link encodeTimeWindowedKey}; `keyBytes` is a view into `bytes`, not a copy. */
export function decodeTimeWindowedKey(bytes: Uint8Array, topic?: string): { keyBytes: Uint8Array; start: number } {
  const k = bytes.length - 8;
  if (k < 0) throw tooShort('time-windowed', 8, bytes.length, topic);
  return { keyBytes: bytes.subarray(0, k), start: checked(readInt64(bytes, k), 'start', topic) };
}

/** Session key: `keyBytes ++ end ++ start` (8 bytes each, big-endian); arguments in Java's (start, end) order. */
export function encodeSessionWindowedKey(keyBytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(keyBytes.length + 16);
  out.set(keyBytes, 0);
  writeInt64(out, keyBytes.length, end);
  writeInt64(out, keyBytes.length + 8, start);
  return out;
}

/** Inverse of {@link encodeSessionWindowedKey}; `keyBytes` is a view into `bytes`, not a copy. */
export function decodeSessionWindowedKey(
  bytes: Uint8Array,
  topic?: string,
): { keyBytes: Uint8Array; start: number; end: number } {
  const k = bytes.length - 16;
  if (k < 0) throw tooShort('session-windowed', 16, bytes.length, topic);
  const end = checked(readInt64(bytes, k), 'end', topic);
  return { keyBytes: bytes.subarray(0, k), start: checked(readInt64(bytes, k + 8), 'start', topic), end };
}

function tooShort(what: string, min: number, actual: number, topic?: string): Error {
  return new Error(`a ${what} key needs at least ${min} bytes but got ${actual}${onTopic(topic)}; was it written with a windowed serde?`);
}

function checked(n: number, what: string, topic?: string): number {
  if (Number.isNaN(n)) throw new RangeError(`windowed key ${what} timestamp is outside Number.isSafeInteger${onTopic(topic)}`);
  return n;
}

/** Serializes a windowed key's inner key, refusing null (Java would fail with a NullPointerException). */
export function innerKeyBytes(bytes: Uint8Array | null, topic?: string): Uint8Array {
  if (bytes === null) throw new Error(`the inner key of a windowed key serialized to null${onTopic(topic)}; windowed keys must not be null`);
  return bytes;
}
