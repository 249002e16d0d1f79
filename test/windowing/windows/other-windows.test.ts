import { describe, expect, it } from 'vitest';
import { EmitStrategy, JoinWindows, SessionWindows, SlidingWindows } from '../../../src/windowing/index.ts';

describe('SlidingWindows', () => {
  it('defaults grace to 0 and closes only when stream time > end + grace', () => {
    const w = SlidingWindows.of({ timeDifference: '5s' });
    expect(w).toMatchObject({ kind: 'sliding', timeDifferenceMs: 5_000, graceMs: 0 });
    const g = SlidingWindows.of({ timeDifference: 10, grace: 2 });
    expect(g.isClosed(100, 102)).toBe(false);
    expect(g.isClosed(100, 103)).toBe(true);
  });

  it('accepts a zero time difference but not negative values', () => {
    expect(SlidingWindows.of({ timeDifference: 0 }).timeDifferenceMs).toBe(0);
    expect(() => SlidingWindows.of({ timeDifference: -1 })).toThrow(/timeDifference/);
    expect(() => SlidingWindows.of({ timeDifference: 1, grace: -1 })).toThrow(/grace/);
  });
});

describe('SessionWindows', () => {
  it('closes when end < stream time - grace - gap', () => {
    const w = SessionWindows.of({ inactivityGap: 10, grace: 5 });
    expect(w).toMatchObject({ kind: 'session', inactivityGapMs: 10, graceMs: 5 });
    expect(w.isClosed(100, 115)).toBe(false);
    expect(w.isClosed(100, 116)).toBe(true);
    expect(SessionWindows.of({ inactivityGap: '1m' }).graceMs).toBe(0);
  });

  it('rejects a zero or negative gap', () => {
    expect(() => SessionWindows.of({ inactivityGap: 0 })).toThrow(/inactivityGap must be larger than zero/);
    expect(() => SessionWindows.of({ inactivityGap: '-1s' })).toThrow(/inactivityGap/);
  });
});

describe('JoinWindows', () => {
  it('is symmetric by default, bounds inclusive', () => {
    const w = JoinWindows.of({ timeDifference: '5s' });
    expect(w).toMatchObject({ kind: 'join', beforeMs: 5_000, afterMs: 5_000, graceMs: 0, sizeMs: 10_000 });
    expect(w.matches(10_000, 5_000)).toBe(true);
    expect(w.matches(10_000, 15_000)).toBe(true);
    expect(w.matches(10_000, 4_999)).toBe(false);
    expect(w.matches(10_000, 15_001)).toBe(false);
  });

  it('before/after override the time difference and may be negative as long as the interval is not', () => {
    const w = JoinWindows.of({ timeDifference: 10, before: 0, after: 20, grace: '1s' });
    expect(w).toMatchObject({ beforeMs: 0, afterMs: 20, graceMs: 1_000 });
    expect(w.matches(100, 99)).toBe(false);
    const shifted = JoinWindows.of({ timeDifference: 10, before: -5, after: 20 });
    expect(shifted.matches(100, 104)).toBe(false);
    expect(shifted.matches(100, 105)).toBe(true);
    expect(JoinWindows.of({ timeDifference: 0, before: '-5s', after: '5s' }).sizeMs).toBe(0);
    expect(() => JoinWindows.of({ timeDifference: 10, before: -11 })).toThrow(/before \+ after must not be negative/);
    expect(() => JoinWindows.of({ timeDifference: -1 })).toThrow(/timeDifference/);
    expect(() => JoinWindows.of({ timeDifference: 1, grace: -1 })).toThrow(/grace/);
  });
});

describe('EmitStrategy', () => {
  it('has Kafka\'s strategy types', () => {
    expect(EmitStrategy.onWindowUpdate()).toEqual({ type: 'ON_WINDOW_UPDATE' });
    expect(EmitStrategy.onWindowClose()).toEqual({ type: 'ON_WINDOW_CLOSE' });
  });
});
