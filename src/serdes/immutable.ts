/**
 * serdes.immutable<T>() (API.md section 9): JSON bytes on the wire and in stores, Immutable.js collections in
 * code: `toJS()` then JSON on write, JSON then `fromJS` on read, so an aggregate can be a persistent Map/List
 * updated with `set`/`update` (structural sharing instead of copies) and the bytes stay readable by any JSON
 * consumer. What JSON can carry comes back: objects as Map (with string keys: a number key is written as its
 * string), arrays as List (a Set or Stack is written as an array and read back as a List), primitives as
 * themselves. A null value is a tombstone (null bytes), as for serdes.json().
 */
import { fromJS, isImmutable, type Collection } from 'immutable';
import type { Serde } from '../api/serde.ts';
import { onTopic, utf8Decoder, utf8Encoder } from './codec.ts';

export function immutable<T = Collection<unknown, unknown>>(): Serde<T> {
  return IMMUTABLE_SERDE as Serde<T>;
}

const IMMUTABLE_SERDE: Serde<unknown> = Object.freeze({
  serialize(v: unknown, topic?: string): Uint8Array | null {
    if (v == null) return null;
    const text = JSON.stringify(isImmutable(v) ? (v as Collection<unknown, unknown>).toJS() : v);
    if (text === undefined) throw new TypeError(`serdes.immutable() cannot serialize a ${typeof v}${onTopic(topic)}`);
    return utf8Encoder.encode(text);
  },
  deserialize(b: Uint8Array | null, topic?: string): unknown {
    if (b === null) return null;
    const text = utf8Decoder.decode(b);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      const preview = text.length > 80 ? `${text.slice(0, 80)}...` : text;
      throw new Error(`serdes.immutable() could not parse ${b.length} bytes${onTopic(topic)}: ${(e as Error).message}; data: ${preview}`);
    }
    return fromJS(parsed);
  },
});
