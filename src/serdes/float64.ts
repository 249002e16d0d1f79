import type { Serde } from '../api/serde.ts';
import { sizeError } from './codec.ts';

/** 8-byte big-endian IEEE-754 doubles, byte-compatible with Java's `DoubleSerializer`. Null passes through. */
export function float64(): Serde<number> {
  return FLOAT64;
}

const FLOAT64: Serde<number> = Object.freeze({
  serialize(v: number): Uint8Array | null {
    if (v == null) return null;
    if (typeof v !== 'number') throw new TypeError(`serdes.float64() cannot serialize a ${typeof v}`);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, v, false);
    return out;
  },
  deserialize(b: Uint8Array | null, topic?: string): number {
    if (b === null) return null as unknown as number;
    if (b.length !== 8) throw sizeError('serdes.float64()', 8, b.length, topic);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false);
  },
});
