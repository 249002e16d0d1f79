/**
 * Caching layer (Kafka's CachingKeyValueStore + NamedCache): the latest value bytes per key, a
 * dirty flag and the record context of the write. Reads go through the cache (a miss that hits
 * the store below is cached clean). `flush()` writes dirty entries down in the order of their last
 * write; for each, the flush listener gets (key, new, old read from below before the write, the
 * entry's context); nothing is written or forwarded when new and old are both null. Going over
 * `cacheMaxBytes` evicts least-recently-used entries; evicting a dirty one flushes every dirty
 * entry, the evicted one first (as Kafka's NamedCache). Consecutive updates of a key between
 * flushes collapse into one write and one forward. `cacheMaxBytes` 0 turns the layer into a pass-through.
 */
import { longBytes, toBinary } from './bytes.ts';
import { CacheMerge, type CacheEntry } from './cache-merge.ts';
import type { BytesEntry, BytesFlushListener, BytesLayer, RangeQuery, SegmentIds } from './layer.ts';
import type { RecordContext, StoreInitContext } from './types.ts';

const ENTRY_OVERHEAD = 64;

export class CachingLayer implements BytesLayer {
  readonly persistent: boolean;
  /** LRU order: Map insertion order, least recently used first. */
  private readonly cache = new Map<string, CacheEntry>();
  /** Dirty keys in the order of their last write. */
  private readonly dirty = new Set<string>();
  private bytes = 0;
  private maxBytes = 0;
  private enabled = false;
  private ctx!: StoreInitContext;
  private listener: BytesFlushListener | null = null;

  constructor(private readonly inner: BytesLayer) {
    this.persistent = inner.persistent;
    this.segments = inner.segments;
  }

  readonly segments?: SegmentIds;

  async init(ctx: StoreInitContext, storeName: string): Promise<void> {
    this.ctx = ctx;
    this.maxBytes = ctx.cacheMaxBytes;
    this.enabled = ctx.cacheMaxBytes > 0;
    await this.inner.init(ctx, storeName);
  }

  /** Call after init (Kafka initializes stores before processors): true when caching is on. */
  setFlushListener(listener: BytesFlushListener): boolean {
    this.listener = listener;
    return this.enabled;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    if (!this.enabled) return this.inner.get(key);
    const k = toBinary(key);
    const e = this.cache.get(k);
    if (e) {
      this.cache.delete(k);
      this.cache.set(k, e);
      return e.value ?? undefined;
    }
    const v = this.inner.get(key);
    if (v !== undefined) this.insert(k, { key, value: v, dirty: false, context: null, size: 0 });
    return v;
  }

  put(key: Uint8Array, value: Uint8Array | null, context?: RecordContext): void {
    if (!this.enabled) return this.inner.put(key, value, context);
    const k = toBinary(key);
    this.insert(k, { key, value, dirty: true, context: context ?? this.ctx.recordContext(), size: 0 });
  }

  private insert(k: string, e: CacheEntry): void {
    const old = this.cache.get(k);
    if (old) {
      this.bytes -= old.size;
      this.cache.delete(k);
    }
    e.size = e.key.length + (e.value?.length ?? 0) + ENTRY_OVERHEAD + (e.context?.topic.length ?? 0);
    this.cache.set(k, e);
    this.bytes += e.size;
    if (e.dirty) {
      this.dirty.delete(k);
      this.dirty.add(k);
    }
    while (this.bytes > this.maxBytes && this.cache.size > 0) this.evictEldest();
  }

  /**
   * Eldest first. One long-lived iterator: every live entry is after its position (entries before it were evicted,
   * touched ones moved to the end), and it skips holes once, whereas a fresh `entries()` per eviction re-scans the
   * holes that LRU deletes leave at the front of the Map (O(capacity) per eviction).
   */
  private lru: Iterator<[string, CacheEntry]> | null = null;

  private evictEldest(): void {
    let next = this.lru?.next();
    if (!next || next.done) {
      this.lru = this.cache.entries();
      next = this.lru.next();
    }
    const [k, e] = next.value as [string, CacheEntry];
    this.cache.delete(k);
    this.bytes -= e.size;
    if (e.dirty) this.flushDirty(k, e);
  }

  private flushDirty(evictedKey: string | null, evicted: CacheEntry | null): void {
    const entries: CacheEntry[] = [];
    if (evicted && evictedKey !== null) {
      entries.push({ ...evicted });
      this.dirty.delete(evictedKey);
    }
    const deleted: string[] = [];
    for (const k of this.dirty) {
      const e = this.cache.get(k)!;
      entries.push({ ...e });
      e.dirty = false;
      if (e.value === null) deleted.push(k);
    }
    this.dirty.clear(); // before the listener runs: it may write to this store again
    for (const e of entries) this.writeDown(e);
    for (const k of deleted) {
      const e = this.cache.get(k);
      if (e && !e.dirty) {
        this.cache.delete(k);
        this.bytes -= e.size;
      }
    }
  }

  private writeDown(e: CacheEntry): void {
    if (!this.listener) return this.inner.put(e.key, e.value, e.context ?? undefined);
    const old = this.inner.get(e.key) ?? null;
    if (e.value === null && old === null) return;
    this.inner.put(e.key, e.value, e.context ?? undefined);
    this.listener(e.key, e.value, old, e.context!);
  }

  restore(key: Uint8Array, value: Uint8Array | null, timestamp: number): void {
    const k = toBinary(key);
    const e = this.cache.get(k);
    if (e) {
      this.cache.delete(k);
      this.dirty.delete(k);
      this.bytes -= e.size;
    }
    this.inner.restore(key, value, timestamp);
  }

  private orderKey(key: Uint8Array): string {
    return this.segments ? toBinary(longBytes(this.segments.ofKey(key))) + toBinary(key) : toBinary(key);
  }

  /** Cache entries inside the query, ordered as the store below orders them (segment-major when segmented). */
  private cachedRange(q: RangeQuery): Array<[string, CacheEntry]> {
    const from = q.from && toBinary(q.from);
    const to = q.to && toBinary(q.to);
    const out: Array<[string, CacheEntry]> = [];
    for (const [k, e] of this.cache) {
      if ((from !== null && k < from) || (to !== null && k > to)) continue;
      if (this.segments) {
        const s = this.segments.ofKey(e.key);
        if (q.segmentFrom !== undefined && s < this.segments.ofTime(q.segmentFrom)) continue;
        if (q.segmentTo !== undefined && s > this.segments.ofTime(q.segmentTo)) continue;
      }
      out.push([this.orderKey(e.key), { ...e }]);
    }
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return q.reverse ? out.reverse() : out;
  }

  async *range(q: RangeQuery): AsyncIterable<BytesEntry> {
    if (!this.enabled) return yield* this.inner.range(q);
    const merge = new CacheMerge(this.cachedRange(q), q.reverse === true);
    for await (const entry of this.inner.range(q)) yield* merge.before(this.orderKey(entry[0]), entry);
    yield* merge.rest();
  }

  rangeSync(q: RangeQuery): BytesEntry[] | undefined {
    const below = this.inner.rangeSync(q);
    if (!this.enabled || below === undefined) return below;
    const merge = new CacheMerge(this.cachedRange(q), q.reverse === true);
    const out: BytesEntry[] = [];
    for (const entry of below) out.push(...merge.before(this.orderKey(entry[0]), entry));
    out.push(...merge.rest());
    return out;
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  async flush(): Promise<void> {
    if (this.enabled) this.flushDirty(null, null);
    await this.inner.flush();
  }

  async close(): Promise<void> {
    if (this.enabled) this.flushDirty(null, null);
    this.cache.clear();
    this.lru = null;
    this.dirty.clear();
    this.bytes = 0;
    await this.inner.close();
  }
}
