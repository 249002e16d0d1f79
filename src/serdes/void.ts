import type { Serde } from '../api/serde.ts';
import { onTopic } from './codec.ts';

/**
 * For keys or values that are always null, like Java's `VoidSerde`: serializes to null bytes, and
 * throws when asked to deserialize non-null bytes (as Java's `VoidDeserializer` does).
 */
export function voidSerde(): Serde<null> {
  return VOID;
}

const VOID: Serde<null> = Object.freeze({
  serialize: () => null,
  deserialize(b: Uint8Array | null, topic?: string): null {
    if (b !== null) {
      throw new Error(`serdes.void() expects null data but got ${b.length} bytes${onTopic(topic)}; use a serde that matches the data`);
    }
    return null;
  },
});
