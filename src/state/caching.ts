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
import type { CacheBudget, RecordContext, StoreInitContext } from './types.ts';

function contextSize(c: RecordContext): number {
  let n = c.topic.length;
  if (c.headers) for (const k in c.headers) n += k.length + (c.headers[k]?.length ?? 0);
  return n;
}

/**
 * Kafka's size estimate of a cache entry (NamedCache.LRUNode.size + LRUCacheEntry + ProcessorRecordContext
 * residentMemorySizeEstimate): key + value + 24 (node pointers) + 1 (dirty flag) + 20 (timestamp, offset,
 * partition) + the context's topic length + its headers' key lengths and value lengths. Using the same
 * estimate makes evictions (and so the records forwarded on eviction) happen where Kafka's do.
 */
const ENTRY_OVERHEAD = 45;

/** A cache entry with its map key and its neighbours in LRU order. */
interface Slot extends CacheEntry {
  k: string;
  prev: Slot | null;
  next: Slot | null;
}

export class CachingLayer implements BytesLayer {
  readonly persistent: boolean;
  /** Entries by binary-string key; LRU order is the linked list `eldest` -> `newest` (see Slot). */
  private readonly cache = new Map<string, Slot>();
  private eldest: Slot | null = null;
  private newest: Slot | null = null;
  /** Dirty keys in the order of their last write. */
  private readonly dirty = new Set<string>();
  /** Bytes of this cache's entries; `budget` counts them with the thread's other caches. */
  private bytes = 0;
  private budget: CacheBudget = { maxBytes: 0, bytes: 0 };
  /** The key of the last get that missed in the cache and below (see put). */
  private lastMiss: string | null = null;
  /** The key bytes of the last get and their binary string. */
  private lastGet: Uint8Array | null = null;
  private lastGetBin = '';
  private enabled = false;
  private ctx!: StoreInitContext;
  private listener: BytesFlushListener | null = null;

  /**
   * Whether entries remember the value below (CacheEntry.below). Key-value stacks only: in segmented
   * (window, session) stores a value below can vanish without a write (retention) or be written around the
   * cache (emit-time.ts), so their flush reads the old value below.
   */
  private readonly trackBelow: boolean;

  constructor(private readonly inner: BytesLayer) {
    this.persistent = inner.persistent;
    this.segments = inner.segments;
    this.trackBelow = inner.segments === undefined;
  }

  readonly segments?: SegmentIds;

  async init(ctx: StoreInitContext, storeName: string): Promise<void> {
    this.ctx = ctx;
    this.budget = ctx.cacheBudget ?? { maxBytes: ctx.cacheMaxBytes, bytes: 0 };
    this.enabled = this.budget.maxBytes > 0;
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
    this.lastGet = key;
    this.lastGetBin = k;
    const e = this.cache.get(k);
    if (e) {
      if (this.budget.hits !== undefined) this.budget.hits++;
      this.unlink(e);
      this.append(e);
      return e.value ?? undefined;
    }
    if (this.budget.misses !== undefined) this.budget.misses++;
    const v = this.inner.get(key, k);
    if (v !== undefined) this.insert(k, { key, value: v, dirty: false, context: null, size: 0, below: this.trackBelow ? v : undefined, k, prev: null, next: null });
    else if (this.trackBelow) this.lastMiss = k;
    return v;
  }

  put(key: Uint8Array, value: Uint8Array | null, context?: RecordContext): void {
    if (!this.enabled) return this.inner.put(key, value, context);
    // A read-modify-write passes the same key bytes to get and put (the Metered layer's key memo).
    const k = key === this.lastGet ? this.lastGetBin : toBinary(key);
    this.lastGet = null;
    // A read-modify-write of a key absent below (a get that missed, then this put): the flush knows the old value.
    const below = k === this.lastMiss ? null : undefined;
    this.lastMiss = null;
    // The entry keeps a copy of the context it was written with (Kafka's LRUCacheEntry copies timestamp, offset,
    // partition, topic and headers): the task's context is one mutable object, set for each forward and restored
    // after it, so a reference would flush with whatever context is current at flush time.
    const c = context ?? this.ctx.recordContext();
    const copy: RecordContext = { timestamp: c.timestamp, topic: c.topic, partition: c.partition, offset: c.offset, headers: c.headers };
    this.insert(k, { key, value, dirty: true, context: copy, size: 0, below, k, prev: null, next: null });
  }

  private insert(k: string, e: Slot): void {
    const old = this.cache.get(k);
    if (old) {
      this.resize(-old.size);
      this.unlink(old);
      if (e.below === undefined) e.below = old.below;
    }
    e.size = e.key.length + (e.value?.length ?? 0) + ENTRY_OVERHEAD + (e.context ? contextSize(e.context) : 0);
    this.append(e);
    this.cache.set(k, e);
    this.resize(e.size);
    if (e.dirty) {
      this.dirty.delete(k);
      this.dirty.add(k);
    }
    while (this.budget.bytes > this.budget.maxBytes && this.cache.size > 0) this.evictEldest();
  }

  private resize(delta: number): void {
    this.bytes += delta;
    this.budget.bytes += delta;
  }

  /**
   * LRU as an intrusive doubly linked list: a hit moves its entry to the newest end with a few pointer writes.
   * Keeping the order in the Map itself (delete + set per hit) left a hole per hit that iteration and rehashing
   * paid for: caching get/insert were the top of the B2 zipf profile (~4 us per operation).
   */
  private unlink(e: Slot): void {
    if (e.prev) e.prev.next = e.next;
    else this.eldest = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.newest = e.prev;
    e.prev = e.next = null;
  }

  private append(e: Slot): void {
    e.prev = this.newest;
    e.next = null;
    if (this.newest) this.newest.next = e;
    else this.eldest = e;
    this.newest = e;
  }

  private evictEldest(): void {
    const e = this.eldest!;
    const k = e.k;
    this.unlink(e);
    this.cache.delete(k);
    this.resize(-e.size);
    if (e.dirty) this.flushDirty(k, e);
  }

  private flushDirty(evictedKey: string | null, evicted: CacheEntry | null): void {
    // Entries are replaced, never changed, by puts (only `dirty` and `below` change in place), so the
    // flush keeps references to them instead of copies.
    const keys: string[] = [];
    const entries: CacheEntry[] = [];
    if (evicted && evictedKey !== null) {
      keys.push(evictedKey);
      entries.push(evicted);
      this.dirty.delete(evictedKey);
    }
    const deleted: string[] = [];
    for (const k of this.dirty) {
      const e = this.cache.get(k)!;
      keys.push(k);
      entries.push(e);
      e.dirty = false;
      if (e.value === null) deleted.push(k);
    }
    this.dirty.clear(); // before the listener runs: it may write to this store again
    for (let i = 0; i < entries.length; i++) this.writeDown(keys[i], entries[i]);
    for (const k of deleted) {
      const e = this.cache.get(k);
      if (e && !e.dirty) {
        this.unlink(e);
        this.cache.delete(k);
        this.resize(-e.size);
      }
    }
  }

  private writeDown(k: string, e: CacheEntry): void {
    if (!this.listener) {
      this.inner.put(e.key, e.value, e.context ?? undefined, k);
      this.wroteBelow(k, e.value);
      return;
    }
    const old = e.below !== undefined ? e.below : (this.inner.get(e.key, k) ?? null);
    if (e.value === null && old === null) return;
    this.inner.put(e.key, e.value, e.context ?? undefined, k);
    this.wroteBelow(k, e.value); // before the listener, which may put this key again
    this.listener(e.key, e.value, old, e.context!);
  }

  /** The store below now holds `value` for `k`: the cached entry (evicted or not, re-put or not) knows it. */
  private wroteBelow(k: string, value: Uint8Array | null): void {
    if (!this.trackBelow) return;
    const live = this.cache.get(k);
    if (live) live.below = value;
    if (this.lastMiss === k) this.lastMiss = null;
  }

  restore(key: Uint8Array, value: Uint8Array | null, timestamp: number): void {
    if (this.cache.size === 0 && this.lastMiss === null) return this.inner.restore(key, value, timestamp); // a restore before processing
    const k = toBinary(key);
    if (this.lastMiss === k) this.lastMiss = null;
    const e = this.cache.get(k);
    if (e) {
      this.unlink(e);
      this.cache.delete(k);
      this.dirty.delete(k);
      this.resize(-e.size);
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
      out.push([this.orderKey(e.key), e]);
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

  bulkRestore(on: boolean): void {
    this.inner.bulkRestore?.(on);
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
    this.eldest = this.newest = null;
    this.dirty.clear();
    this.resize(-this.bytes);
    await this.inner.close();
  }
}
