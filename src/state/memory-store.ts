/**
 * In-memory bytes store: a Map keyed by the binary string of the key bytes, with lazily sorted
 * keys for ranges (byte order, like RocksDB). Everything is synchronous, so it answers rangeSync.
 */
import { toBinary } from './bytes.ts';
import { iterate, type BytesEntry, type BytesLayer, type RangeQuery } from './layer.ts';
import { SortedKeys } from './sorted-keys.ts';

export class MemoryBytesStore implements BytesLayer {
  readonly persistent = false;
  private readonly map = new Map<string, BytesEntry>();
  private readonly keys = new SortedKeys();

  async init(): Promise<void> {}

  get(key: Uint8Array, bin?: string): Uint8Array | undefined {
    return this.map.get(bin ?? toBinary(key))?.[1];
  }

  put(key: Uint8Array, value: Uint8Array | null, _context?: unknown, bin?: string): void {
    const k = bin ?? toBinary(key);
    if (value === null) {
      if (this.map.delete(k)) this.keys.delete(k);
      return;
    }
    if (!this.map.has(k)) this.keys.add(k);
    this.map.set(k, [key, value]);
  }

  restore(key: Uint8Array, value: Uint8Array | null): void {
    this.put(key, value);
  }

  range(q: RangeQuery): AsyncIterable<BytesEntry> {
    return iterate(this.rangeSync(q));
  }

  rangeSync(q: RangeQuery): BytesEntry[] {
    const from = q.from === null ? null : toBinary(q.from);
    const to = q.to === null ? null : toBinary(q.to);
    return this.keys.range(from, to, q.reverse).map((k) => this.map.get(k)!);
  }

  approximateNumEntries(): number {
    return this.map.size;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.map.clear();
    this.keys.clear();
  }
}
