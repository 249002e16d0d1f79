import type { Serde } from '../api/serde.ts';

/**
 * Raw bytes, like Java's `ByteArraySerde`. No copy is made either way: the serializer returns the
 * given array and the deserializer the received one, so do not mutate them after handing them over.
 */
export function bytes(): Serde<Uint8Array> {
  return BYTES;
}

const BYTES: Serde<Uint8Array> = Object.freeze({
  serialize: (v: Uint8Array) => (v == null ? null : v),
  deserialize: (b: Uint8Array | null) => b as Uint8Array,
});
