import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { serdes } from '../../src/serdes/index.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('primitive serdes: Java byte layouts', () => {
  it('string is UTF-8 and keeps a leading BOM like Java', () => {
    const s = serdes.string();
    expect(s.serialize('é')).toEqual(bytes(0xc3, 0xa9));
    expect(s.serialize('')).toEqual(bytes());
    expect(s.deserialize(bytes(0xef, 0xbb, 0xbf, 0x61))).toBe('\ufeffa');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (v) => s.deserialize(s.serialize(v)) === v));
  });

  it('int32 is 4-byte big-endian two\'s complement', () => {
    const s = serdes.int32();
    expect(s.serialize(258)).toEqual(bytes(0, 0, 1, 2));
    expect(s.serialize(-1)).toEqual(bytes(0xff, 0xff, 0xff, 0xff));
    expect(s.deserialize(bytes(0x80, 0, 0, 0))).toBe(-2_147_483_648);
    expect(() => s.serialize(2 ** 31)).toThrow(/not a 32-bit integer/);
    expect(() => s.serialize(1.5)).toThrow(RangeError);
    fc.assert(fc.property(fc.integer(), (v) => s.deserialize(s.serialize(v)) === v));
  });

  it('int64 is 8-byte big-endian and refuses unsafe integers', () => {
    const s = serdes.int64();
    expect(s.serialize(258)).toEqual(bytes(0, 0, 0, 0, 0, 0, 1, 2));
    expect(s.serialize(-2)).toEqual(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe));
    expect(s.serialize(2 ** 32)).toEqual(bytes(0, 0, 0, 1, 0, 0, 0, 0));
    expect(s.deserialize(s.serialize(Number.MIN_SAFE_INTEGER))).toBe(Number.MIN_SAFE_INTEGER);
    expect(() => s.serialize(2 ** 53)).toThrow(/9007199254740992.*serdes\.bigint64\(\)/);
    expect(() => s.deserialize(bytes(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 't'))
      .toThrow(/9223372036854775807.*'t'.*bigint64/);
    expect(() => s.deserialize(bytes(0xff, 0xe0, 0, 0, 0, 0, 0, 0))).toThrow(RangeError); // -2^53
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => s.deserialize(s.serialize(v)) === v));
  });

  it('int64 bytes equal bigint64 bytes (same Java LongSerializer layout)', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => {
      expect(serdes.int64().serialize(v)).toEqual(serdes.bigint64().serialize(BigInt(v)));
    }));
  });

  it('bigint64 covers the full long range', () => {
    const s = serdes.bigint64();
    expect(s.serialize(2n ** 63n - 1n)).toEqual(bytes(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    expect(() => s.serialize(2n ** 63n)).toThrow(RangeError);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => s.deserialize(s.serialize(v)) === v));
  });

  it('float64 is a big-endian IEEE-754 double', () => {
    const s = serdes.float64();
    expect(s.serialize(1)).toEqual(bytes(0x3f, 0xf0, 0, 0, 0, 0, 0, 0));
    expect(s.serialize(-0.5)).toEqual(bytes(0xbf, 0xe0, 0, 0, 0, 0, 0, 0));
    expect(Number.isNaN(s.deserialize(s.serialize(NaN)))).toBe(true);
    fc.assert(fc.property(fc.double({ noNaN: true }), (v) => Object.is(s.deserialize(s.serialize(v)), v)));
  });

  it('wrong sizes name expected, actual and the topic', () => {
    expect(() => serdes.int32().deserialize(bytes(1, 2, 3), 'orders')).toThrow(/serdes\.int32\(\) expected exactly 4 bytes but got 3 \(topic 'orders'\)/);
    expect(() => serdes.int64().deserialize(bytes(1, 2, 3, 4))).toThrow(/expected exactly 8 bytes but got 4/);
    expect(() => serdes.bigint64().deserialize(bytes())).toThrow(/expected exactly 8 bytes but got 0/);
    expect(() => serdes.float64().deserialize(bytes(1), 'x')).toThrow(/8 bytes but got 1 \(topic 'x'\)/);
  });

  it('a byte view into a larger buffer decodes at its own offset', () => {
    const buf = bytes(9, 9, 0, 0, 1, 2, 9);
    expect(serdes.int32().deserialize(buf.subarray(2, 6))).toBe(258);
    const d = bytes(0, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0).subarray(1);
    expect(serdes.float64().deserialize(d)).toBe(1);
  });
});
