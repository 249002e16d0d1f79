import type { Serde } from '../api/serde.ts';
import { sizeError } from './codec.ts';

/** 4-byte big-endian signed integers, byte-compatible with Java's `IntegerSerializer`. Null passes through. */
export function int32(): Serde<number> {
  return INT32;
}

const INT32: Serde<number> = Object.freeze({
  serialize(v: number): Uint8Array | null {
    if (v == null) return null;
    if (!Number.isInteger(v) || v < -2_147_483_648 || v > 2_147_483_647) {
      throw new RangeError(`serdes.int32() cannot serialize ${v}: it is not a 32-bit integer; use serdes.int64() or serdes.float64()`);
    }
    return Uint8Array.of(v >>> 24, v >>> 16, v >>> 8, v);
  },
  deserialize(b: Uint8Array | null, topic?: string): number {
    if (b === null) return null as unknown as number;
    if (b.length !== 4) throw sizeError('serdes.int32()', 4, b.length, topic);
    return (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
  },
});
