/**
 * A set of binary-string keys with lazily sorted range lookups: inserts and deletes are O(1);
 * the sorted array is rebuilt only when a range is asked for after a change.
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
    this.sorted = null;
  }

  delete(k: string): void {
    if (this.keys.delete(k)) this.sorted = null;
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
function lowerBound(s: string[], k: string): number {
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
function upperBound(s: string[], k: string): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
