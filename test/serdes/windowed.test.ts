import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeSessionWindowedKey, decodeTimeWindowedKey, encodeSessionWindowedKey, encodeTimeWindowedKey, serdes,
} from '../../src/serdes/index.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('time-windowed keys (WindowKeySchema.toBinary)', () => {
  it('is inner key bytes + 8-byte big-endian start', () => {
    const s = serdes.windowed(serdes.string(), { windowSize: '1s' });
    const b = s.serialize({ key: 'ab', window: { start: 258, end: 1258 } });
    expect(b).toEqual(bytes(0x61, 0x62, 0, 0, 0, 0, 0, 0, 1, 2));
    expect(s.deserialize(b)).toEqual({ key: 'ab', window: { start: 258, end: 1258 } });
  });

  it('without a window size the end is Number.MAX_SAFE_INTEGER (Java: Long.MAX_VALUE)', () => {
    const s = serdes.windowed(serdes.int32());
    const w = s.deserialize(s.serialize({ key: 7, window: { start: 10, end: 20 } }));
    expect(w).toEqual({ key: 7, window: { start: 10, end: Number.MAX_SAFE_INTEGER } });
  });

  it('empty bytes deserialize to null; short bytes fail clearly', () => {
    const s = serdes.windowed(serdes.string());
    expect(s.deserialize(bytes())).toBeNull();
    expect(() => s.deserialize(bytes(1, 2, 3), 'w')).toThrow(/at least 8 bytes but got 3 \(topic 'w'\)/);
    expect(() => s.serialize({ key: null as unknown as string, window: { start: 0, end: 1 } })).toThrow(/inner key/);
  });

  it('helpers round-trip and return a view, not a copy', () => {
    fc.assert(fc.property(fc.uint8Array(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (k, start) => {
      const enc = encodeTimeWindowedKey(k, start);
      const dec = decodeTimeWindowedKey(enc);
      expect(dec).toEqual({ keyBytes: k, start });
      expect(dec.keyBytes.buffer).toBe(enc.buffer);
    }));
  });
});

describe('session-windowed keys (SessionKeySchema.toBinary)', () => {
  it('is inner key bytes + 8-byte end + 8-byte start', () => {
    const s = serdes.sessionWindowed(serdes.string());
    const b = s.serialize({ key: 'k', window: { start: 1, end: 258 } });
    expect(b).toEqual(bytes(0x6b, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1));
    expect(s.deserialize(b)).toEqual({ key: 'k', window: { start: 1, end: 258 } });
    expect(() => s.deserialize(bytes(1, 2, 3, 4, 5, 6, 7, 8))).toThrow(/at least 16 bytes but got 8/);
  });

  it('helpers round-trip', () => {
    const ts = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(fc.property(fc.uint8Array(), ts, ts, (k, start, end) => {
      expect(decodeSessionWindowedKey(encodeSessionWindowedKey(k, start, end))).toEqual({ keyBytes: k, start, end });
    }));
  });
});
