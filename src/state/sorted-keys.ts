/**
 * A set of binary-string keys with sorted range lookups. New keys wait unsorted until the next range, which sorts
 * them and merges them in: a bulk load (a table restored or loaded before any range) costs one sort instead of a
 * binary insertion per key (each an O(n) array move: 1M keys took a minute). A few new keys between ranges (a join
 * alternating puts and fetches) are inserted one by one, which is cheaper than a merge.
 */
export class SortedKeys {
  private readonly keys = new Set<string>();
  private sorted: string[] = [];
  /** Keys added since the last range, unsorted; may hold keys deleted since (filtered when merged). */
  private added: string[] = [];

  get size(): number {
    return this.keys.size;
  }

  add(k: string): void {
    if (this.keys.has(k)) return;
    this.keys.add(k);
    this.added.push(k);
  }

  delete(k: string): void {
    if (!this.keys.delete(k)) return;
    const i = lowerBound(this.sorted, k);
    if (this.sorted[i] === k) this.sorted.splice(i, 1);
  }

  clear(): void {
    this.keys.clear();
    this.sorted = [];
    this.added = [];
  }

  private settle(): void {
    if (this.added.length === 0) return;
    const add = this.added.filter((k) => this.keys.has(k)).sort();
    this.added = [];
    const s = this.sorted;
    if (add.length <= 8) {
      for (const k of add) {
        const i = lowerBound(s, k);
        if (s[i] !== k) s.splice(i, 0, k);
      }
      return;
    }
    const out: string[] = new Array(s.length + add.length);
    let i = 0, j = 0, n = 0;
    while (i < s.length || j < add.length) {
      const k = j >= add.length || (i < s.length && s[i] <= add[j]) ? s[i++] : add[j++];
      if (n === 0 || out[n - 1] !== k) out[n++] = k; // a key deleted and added again appears twice
    }
    out.length = n;
    this.sorted = out;
  }

  /** Keys in [from, to] (inclusive, null = unbounded) in byte order, or reversed. */
  range(from: string | null, to: string | null, reverse = false): string[] {
    this.settle();
    const s = this.sorted;
    const lo = from === null ? 0 : lowerBound(s, from);
    const hi = to === null ? s.length : upperBound(s, to);
    const out = lo < hi ? s.slice(lo, hi) : [];
    return reverse ? out.reverse() : out;
  }
}

/** First index with s[i] >= k. */
export function lowerBound(s: string[], k: string): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with s[i] > k. */
export function upperBound(s: string[], k: string): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
