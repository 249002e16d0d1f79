import type { Serde } from '../api/serde.ts';
import { encodeUtf8, utf8Decoder } from './codec.ts';

/** UTF-8 strings, byte-compatible with Java's `StringSerializer`/`StringDeserializer`. Null passes through. */
export function string(): Serde<string> {
  return STRING;
}

const STRING: Serde<string> = Object.freeze({
  serialize: (v: string) => (v == null ? null : encodeUtf8(v)),
  deserialize: (b: Uint8Array | null) => (b === null ? (null as unknown as string) : utf8Decoder.decode(b)),
});
