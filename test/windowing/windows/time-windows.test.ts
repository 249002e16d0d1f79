import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TimeWindows } from '../../../src/windowing/index.ts';

describe('TimeWindows', () => {
  it('tumbling: one epoch-aligned [start, end) window; a record at the end belongs to the next', () => {
    const w = TimeWindows.of({ size: '10s' });
    expect(w).toMatchObject({ kind: 'time', sizeMs: 10_000, advanceMs: 10_000, graceMs: 0 });
    expect(w.windowsFor(0)).toEqual([{ start: 0, end: 10_000 }]);
    expect(w.windowsFor(9_999)).toEqual([{ start: 0, end: 10_000 }]);
    expect(w.windowsFor(10_000)).toEqual([{ start: 10_000, end: 20_000 }]);
  });

  it('hopping: overlapping windows by ascending start', () => {
    const w = TimeWindows.of({ size: 10, advanceBy: 3 });
    expect(w.windowsFor(21)).toEqual([12, 15, 18, 21].map((start) => ({ start, end: start + 10 })));
    expect(w.windowsFor(20)).toEqual([12, 15, 18].map((start) => ({ start, end: start + 10 })));
  });

  it('hopping with ts < size: only windows starting at >= 0 (Kafka never goes negative)', () => {
    const w = TimeWindows.of({ size: 10, advanceBy: 5 });
    expect(w.windowsFor(3)).toEqual([{ start: 0, end: 10 }]);
    expect(w.windowsFor(7)).toEqual([{ start: 0, end: 10 }, { start: 5, end: 15 }]);
    expect(w.windowsFor(-1)).toEqual([]);
  });

  it('property: exactly the aligned windows with start <= ts < end and start >= 0', () => {
    const arb = fc.integer({ min: 1, max: 50 }).chain((size) =>
      fc.tuple(fc.constant(size), fc.integer({ min: 1, max: size }), fc.integer({ min: 0, max: 10_000 })));
    fc.assert(fc.property(arb, ([size, advance, ts]) => {
      const got = TimeWindows.of({ size, advanceBy: advance }).windowsFor(ts);
      const want = [];
      for (let s = 0; s <= ts; s += advance) if (ts < s + size) want.push({ start: s, end: s + size });
      expect(got).toEqual(want);
    }));
  });

  it('closes when stream time >= end + grace', () => {
    const w = TimeWindows.of({ size: '1m', grace: '30s' });
    expect(w.graceMs).toBe(30_000);
    expect(w.closeTime(60_000)).toBe(90_000);
    expect(w.isClosed(60_000, 89_999)).toBe(false);
    expect(w.isClosed(60_000, 90_000)).toBe(true);
    expect(TimeWindows.of({ size: 10 }).isClosed(10, 10)).toBe(true);
  });

  it('validates like Kafka', () => {
    expect(() => TimeWindows.of({ size: 0 })).toThrow(/size must be larger than zero/);
    expect(() => TimeWindows.of({ size: 10, advanceBy: 0 })).toThrow(/advanceBy must lie within \(0, 10\]/);
    expect(() => TimeWindows.of({ size: 10, advanceBy: 11 })).toThrow(/advanceBy/);
    expect(() => TimeWindows.of({ size: 10, grace: -1 })).toThrow(/grace/);
    expect(() => TimeWindows.of({ size: 1.5 })).toThrow(/whole number/);
    expect(TimeWindows.of({ size: 10, advanceBy: 10 }).advanceMs).toBe(10);
  });

  it('is immutable', () => {
    const w = TimeWindows.of({ size: 10 });
    expect(Object.isFrozen(w)).toBe(true);
    expect(() => { (w as { sizeMs: number }).sizeMs = 5; }).toThrow(TypeError);
  });
});
