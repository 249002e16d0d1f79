/**
 * One in-memory segment of a window or session store (segmented-store.ts). Compared with MemoryBytesStore it holds
 * about a third of the memory per entry, which matters because a segment holds every live window of every key:
 * keys and values are kept as binary strings (one char per byte, ~key length + 16 bytes each) in one Map, instead
 * of a Map of [Uint8Array, Uint8Array] pairs plus a key set (each small Uint8Array costs ~200 bytes of V8 and
 * ArrayBuffer overhead). Reads build the Uint8Array on demand (short-lived, young-generation garbage). The sorted key
 * list is built lazily on the first range and then kept up to date by binary insertion/removal, so a join that puts
 * and fetches alternately pays O(log n) search + one memmove per new key instead of a full re-sort per fetch.
 */
import { fromBinary, toBinary } from './bytes.ts';
import { iterate, type BytesEntry, type BytesLayer, type RangeQuery } from './layer.ts';
import { lowerBound, upperBound } from './sorted-keys.ts';

export class MemorySegment implements BytesLayer {
  readonly persistent = false;
  private readonly map = new Map<string, string>();
  private sorted: string[] | null = [];

  async init(): Promise<void> {}

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.map.get(toBinary(key));
    return v === undefined ? undefined : fromBinary(v);
  }

  put(key: Uint8Array, value: Uint8Array | null): void {
    const k = toBinary(key);
    if (value === null) {
      if (this.map.delete(k) && this.sorted !== null) {
        const i = lowerBound(this.sorted, k);
        if (this.sorted[i] === k) this.sorted.splice(i, 1);
      }
      return;
    }
    if (this.sorted !== null && !this.map.has(k)) this.sorted.splice(lowerBound(this.sorted, k), 0, k);
    this.map.set(k, toBinary(value));
  }

  restore(key: Uint8Array, value: Uint8Array | null): void {
    this.put(key, value);
  }

  range(q: RangeQuery): AsyncIterable<BytesEntry> {
    return iterate(this.rangeSync(q));
  }

  rangeSync(q: RangeQuery): BytesEntry[] {
    if (this.sorted === null) this.sorted = [...this.map.keys()].sort();
    const s = this.sorted;
    const lo = q.from === null ? 0 : lowerBound(s, toBinary(q.from));
    const hi = q.to === null ? s.length : upperBound(s, toBinary(q.to));
    const out: BytesEntry[] = [];
    for (let i = lo; i < hi; i++) out.push([fromBinary(s[i]), fromBinary(this.map.get(s[i])!)]);
    return q.reverse ? out.reverse() : out;
  }

  approximateNumEntries(): number {
    return this.map.size;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.map.clear();
    this.sorted = [];
  }
}
