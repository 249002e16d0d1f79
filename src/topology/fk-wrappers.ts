/**
 * The records of a foreign-key join's internal topics and subscription store (Kafka's SubscriptionWrapper,
 * SubscriptionResponseWrapper, CombinedKey), with fixed binary serdes. Keys and values of the user's types
 * travel inside as bytes, serialized by the FK processors with the serdes the topology declares (or the
 * config defaults), so these serdes need no configuration. `hash` is the serialized left value (Kafka sends a
 * murmur3 hash of it): a response whose hash differs from the current left value is stale and dropped.
 */
import type { Serde } from '../api/serde.ts';
import { bytesEqual, decodeParts, encodeParts } from '../serdes/parts.ts';

export { bytesEqual };

export const Instruction = {
  DELETE_KEY_NO_PROPAGATE: 0,
  DELETE_KEY_AND_PROPAGATE: 1,
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const;
export type Instruction = (typeof Instruction)[keyof typeof Instruction];

export interface Subscription {
  hash: Uint8Array | null;
  instruction: Instruction;
  /** The left (primary) key, serialized. */
  pk: Uint8Array;
  /** Partition of the left row: the response goes back there. */
  partition: number;
}

export interface SubscriptionResponse {
  hash: Uint8Array | null;
  /** The right value, serialized; null: no right row. */
  foreignValue: Uint8Array | null;
  partition: number;
}

function withLength(parts: Array<Uint8Array | null>, head: number[]): Uint8Array {
  const out = encodeParts(parts, head.length * 4);
  const dv = new DataView(out.buffer);
  head.forEach((h, i) => dv.setInt32(i * 4, h));
  return out;
}

function readParts(b: Uint8Array, heads: number, parts: number): { head: number[]; parts: Array<Uint8Array | null> } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const head: number[] = [];
  for (let i = 0; i < heads; i++) head.push(dv.getInt32(i * 4));
  return { head, parts: decodeParts(b, heads * 4, parts) };
}

export const subscriptionSerde: Serde<Subscription> = {
  serialize: (s) => (s == null ? null : withLength([s.hash, s.pk], [s.instruction, s.partition])),
  deserialize: (b) => {
    if (b === null) return null as unknown as Subscription;
    const { head, parts } = readParts(b, 2, 2);
    return { instruction: head[0] as Instruction, partition: head[1], hash: parts[0], pk: parts[1]! };
  },
};

export const responseSerde: Serde<SubscriptionResponse> = {
  serialize: (r) => (r == null ? null : withLength([r.hash, r.foreignValue], [r.partition])),
  deserialize: (b) => {
    if (b === null) return null as unknown as SubscriptionResponse;
    const { head, parts } = readParts(b, 1, 2);
    return { partition: head[0], hash: parts[0], foreignValue: parts[1] };
  },
};

/** Subscription store values: the subscription with the timestamp of the record that wrote it. */
export interface StoredSubscription {
  sub: Subscription;
  timestamp: number;
}

export const storedSubscriptionSerde: Serde<StoredSubscription> = {
  serialize: (v) => {
    if (v == null) return null;
    const inner = subscriptionSerde.serialize(v.sub)!;
    const out = new Uint8Array(8 + inner.length);
    const dv = new DataView(out.buffer);
    dv.setFloat64(0, v.timestamp);
    out.set(inner, 8);
    return out;
  },
  deserialize: (b) => {
    if (b === null) return null as unknown as StoredSubscription;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { timestamp: dv.getFloat64(0), sub: subscriptionSerde.deserialize(b.subarray(8)) };
  },
};

/** CombinedKey bytes: 4-byte foreign key length, foreign key bytes, primary key bytes (prefix scans by FK). */
export function combinedKey(fk: Uint8Array, pk: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + fk.length + pk.length);
  new DataView(out.buffer).setInt32(0, fk.length);
  out.set(fk, 4);
  out.set(pk, 4 + fk.length);
  return out;
}

export function combinedKeyPrefix(fk: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + fk.length);
  new DataView(out.buffer).setInt32(0, fk.length);
  out.set(fk, 4);
  return out;
}
