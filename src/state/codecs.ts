/** Value codecs of the Metered layers: plain values, and Kafka's ValueAndTimestamp layout. */
import type { Serde } from '../api/serde.ts';
import { readLong, writeLong } from './bytes.ts';
import type { ValueAndTimestamp } from './types.ts';

export interface ValueCodec<VS> {
  serialize(v: VS): Uint8Array | null;
  deserialize(b: Uint8Array): VS;
}

export function plainCodec<V>(serde: Serde<V>, topic: () => string | undefined): ValueCodec<V> {
  return {
    serialize: (v) => serde.serialize(v, topic()),
    deserialize: (b) => serde.deserialize(b, topic()),
  };
}

/** 8-byte big-endian timestamp + value bytes (Kafka's ValueAndTimestampSerializer); null stays null. */
export function timestampedCodec<V>(serde: Serde<V>, topic: () => string | undefined): ValueCodec<ValueAndTimestamp<V>> {
  return {
    serialize(vat) {
      const raw = serde.serialize(vat.value, topic());
      if (raw === null) return null;
      const out = new Uint8Array(8 + raw.length);
      writeLong(out, 0, vat.timestamp);
      out.set(raw, 8);
      return out;
    },
    deserialize: (b) => ({ timestamp: readLong(b, 0), value: serde.deserialize(b.subarray(8), topic()) }),
  };
}

/** The timestamp of a ValueAndTimestamp value's bytes (changelog timestamp of timestamped stores). */
export function timestampOfBytes(b: Uint8Array): number {
  return readLong(b, 0);
}
