import type { Serde } from '../api/serde.ts';
import { readBigInt64, sizeError } from './codec.ts';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

/** 8-byte big-endian signed longs as bigint (the full Java `long` range), like Java's `LongSerializer`. Null passes through. */
export function bigint64(): Serde<bigint> {
  return BIGINT64;
}

const BIGINT64: Serde<bigint> = Object.freeze({
  serialize(v: bigint): Uint8Array | null {
    if (v == null) return null;
    if (typeof v !== 'bigint' || v < MIN || v > MAX) {
      throw new RangeError(`serdes.bigint64() cannot serialize ${String(v)}: expected a bigint in the signed 64-bit range`);
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, v, false);
    return out;
  },
  deserialize(b: Uint8Array | null, topic?: string): bigint {
    if (b === null) return null as unknown as bigint;
    if (b.length !== 8) throw sizeError('serdes.bigint64()', 8, b.length, topic);
    return readBigInt64(b, 0);
  },
});
