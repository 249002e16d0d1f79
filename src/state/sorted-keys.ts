/**
 * A set of binary-string keys with sorted range lookups: the sorted array is built on the first range and then
 * kept up to date by binary insertion/removal (a join alternating puts and fetches would otherwise re-sort the
 * whole set per fetch).
 */
export class SortedKeys {
  private readonly keys = new Set<string>();
  private sorted: string[] | null = [];

  get size(): number {
    return this.keys.size;
  }

  add(k: string): void {
    if (this.keys.has(k)) return;
    this.keys.add(k);
    if (this.sorted !== null) this.sorted.splice(lowerBound(this.sorted, k), 0, k);
  }

  delete(k: string): void {
    if (this.keys.delete(k) && this.sorted !== null) {
      const i = lowerBound(this.sorted, k);
      if (this.sorted[i] === k) this.sorted.splice(i, 1);
    }
  }

  clear(): void {
    this.keys.clear();
    this.sorted = [];
  }

  /** Keys in [from, to] (inclusive, null = unbounded) in byte order, or reversed. */
  range(from: string | null, to: string | null, reverse = false): string[] {
    if (this.sorted === null) this.sorted = [...this.keys].sort();
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
