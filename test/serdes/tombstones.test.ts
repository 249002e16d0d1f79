import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/serdes/index.ts';
import type { Serde } from '../../src/api/serde.ts';

const all: Array<[string, Serde<unknown>]> = [
  ['string', serdes.string()], ['json', serdes.json()], ['int32', serdes.int32()], ['int64', serdes.int64()],
  ['bigint64', serdes.bigint64()], ['float64', serdes.float64()], ['bytes', serdes.bytes()], ['void', serdes.void()],
  ['windowed', serdes.windowed(serdes.string())], ['sessionWindowed', serdes.sessionWindowed(serdes.string())],
] as Array<[string, Serde<unknown>]>;

describe('tombstones', () => {
  it.each(all)('%s: null -> null bytes -> null', (_name, s) => {
    expect(s.serialize(null)).toBeNull();
    expect(s.deserialize(null)).toBeNull();
  });
});

describe('json, bytes and void', () => {
  it('json is JSON.stringify in UTF-8', () => {
    const s = serdes.json<{ a: number; b: string }>();
    expect(s.serialize({ a: 1, b: 'é' })).toEqual(new TextEncoder().encode('{"a":1,"b":"é"}'));
    expect(s.deserialize(s.serialize({ a: 1, b: 'x' }))).toEqual({ a: 1, b: 'x' });
  });

  it('json reports unparsable data with the topic', () => {
    expect(() => serdes.json().deserialize(new TextEncoder().encode('{oops'), 'in')).toThrow(/serdes\.json\(\).*topic 'in'.*\{oops/);
  });

  it('bytes passes arrays through without copying', () => {
    const b = Uint8Array.of(1, 2, 3);
    expect(serdes.bytes().serialize(b)).toBe(b);
    expect(serdes.bytes().deserialize(b)).toBe(b);
  });

  it('void serializes to null and rejects data like Java\'s VoidDeserializer', () => {
    expect(serdes.void().serialize(null)).toBeNull();
    expect(() => serdes.void().deserialize(Uint8Array.of(0), 't')).toThrow(/expects null data but got 1 bytes \(topic 't'\)/);
  });
});
