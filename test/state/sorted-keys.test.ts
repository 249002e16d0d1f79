import { describe, expect, it } from 'vitest';
import { SortedKeys } from '../../src/state/sorted-keys.ts';

describe('SortedKeys', () => {
  it('matches a sorted reference set under random adds, deletes, re-adds and ranges (bulk and one-by-one)', () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const s = new SortedKeys();
    const ref = new Set<string>();
    const key = () => String.fromCharCode(97 + rnd(6), 97 + rnd(6), rnd(3) === 0 ? 0xff : 97 + rnd(3));
    for (let step = 0; step < 5000; step++) {
      const op = rnd(10);
      if (op < 5) {
        // bursts of adds sometimes exceed the one-by-one path, sometimes not
        for (let i = 0, n = rnd(3) === 0 ? 30 : 1; i < n; i++) { const k = key(); s.add(k); ref.add(k); }
      } else if (op < 8) {
        const k = key(); s.delete(k); ref.delete(k);
      } else {
        const a = rnd(4) === 0 ? null : key(), b = rnd(4) === 0 ? null : key();
        const want = [...ref].sort().filter((k) => (a === null || k >= a) && (b === null || k <= b));
        expect(s.range(a, b)).toEqual(want);
        expect(s.range(a, b, true)).toEqual([...want].reverse());
      }
      expect(s.size).toBe(ref.size);
    }
    s.clear();
    expect(s.range(null, null)).toEqual([]);
  });
});
