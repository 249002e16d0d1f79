import type { Serde } from '../api/serde.ts';
import { onTopic, readInt64, sizeError, writeInt64 } from './codec.ts';

/**
 * 8-byte big-endian longs as JS numbers, byte-compatible with Java's `LongSerializer`.
 * Only values within `Number.isSafeInteger` are accepted (both ways); use `serdes.bigint64()`
 * for the full 64-bit range. Null passes through.
 */
export function int64(): Serde<number> {
  return INT64;
}

const INT64: Serde<number> = Object.freeze({
  serialize(v: number): Uint8Array | null {
    if (v == null) return null;
    if (!Number.isSafeInteger(v)) {
      throw new RangeError(
        `serdes.int64() cannot serialize ${v}: it is not a safe integer (|n| <= 2^53 - 1); use serdes.bigint64() for the full 64-bit range`,
      );
    }
    const out = new Uint8Array(8);
    writeInt64(out, 0, v);
    return out;
  },
  deserialize(b: Uint8Array | null, topic?: string): number {
    if (b === null) return null as unknown as number;
    if (b.length !== 8) throw sizeError('serdes.int64()', 8, b.length, topic);
    const n = readInt64(b, 0);
    if (Number.isNaN(n)) {
      const big = new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, false);
      throw new RangeError(
        `serdes.int64() read ${big}${onTopic(topic)}, which is outside Number.isSafeInteger; use serdes.bigint64() to read the full 64-bit range`,
      );
    }
    return n;
  },
});
