/** The Serde contract (API.md section 1). Implementations live in src/serdes. */
export interface Serializer<T> {
  serialize(v: T, topic?: string): Uint8Array | null;
}
export interface Deserializer<T> {
  deserialize(b: Uint8Array | null, topic?: string): T;
}
export interface Serde<T> extends Serializer<T>, Deserializer<T> {}
