/**
 * Time-segmented bytes store under window and session stores. Keys are routed to segments by their segment time
 * (window: start; session: end), segment id = time / interval truncated toward zero (Java's long division). The
 * store tracks observed stream time (max segment time put); data with time <= observedStreamTime - retention is
 * invisible to reads, and whole segments below segmentId(observedStreamTime - retention) are dropped (LevelDB: one
 * range delete, at the next flush). What a write older than the retention does depends on the Kafka store followed
 * (options.ts KafkaStoreKind), not on where the bytes live (memory segments or LevelDB key spaces):
 * - 'rocksdb' (Kafka's RocksDB segmented stores, AbstractSegments.getOrCreateSegmentIfLive): it is dropped only
 *   when its whole segment has expired; otherwise it is written (reads still filter it by time, except the
 *   time-ordered session store's end-range fetch, which emit-on-close uses, see RangeQuery.includeExpired).
 * - 'in-memory' (Kafka's InMemoryWindowStore / InMemorySessionStore): dropped record by record, and reads never show
 *   a time <= observed stream time - retention (includeExpired and timeOrdered do not apply). Its segments are one
 *   millisecond wide (Kafka's in-memory suppliers report segmentIntervalMs = 1), so ranges over several keys are
 *   time-major, then key order, as Kafka's in-memory maps (time -> key) iterate, and the cache orders alike.
 * Ranges visit segments in time order (reverse: backwards), each in key order, as Kafka does.
 * Memory segments are MemorySegments; LevelDB segments are key spaces (8-byte segment-id prefix)
 * of one database `<taskDir>/<storeName>`, each with an in-memory key index so that `rangeSync`
 * (fetchSync, findSessionsSync) answers with `getSync` reads and no await.
 * Metadata keys (shorter than 8 bytes, see emit-time.ts) live outside the segments and never expire: a memory
 * store, or the key space with prefix FF x 8 (segment id -1, after every real segment).
 */
import { longBytes, readLong } from './bytes.ts';
import type { BytesEntry, BytesLayer, RangeQuery, SegmentIds } from './layer.ts';
import { closeLevelDb, openLevelDb, type OpenedDb } from './leveldb-open.ts';
import { LevelDbBytesStore } from './leveldb-store.ts';
import { MemorySegment } from './memory-segment.ts';
import type { StoreInitContext } from './types.ts';
import type { KafkaStoreKind } from './options.ts';
import { isMetaKey } from './emit-time.ts';

/** Segment-id prefix of the metadata key space in LevelDB (-1 as a signed long: sorts after all segments). */
const META_PREFIX = new Uint8Array(8).fill(0xff);
const META_ID = -1;

type Segment = MemorySegment | LevelDbBytesStore;

export class SegmentedBytesStore implements BytesLayer {
  readonly persistent: boolean;
  readonly segments: SegmentIds;
  private readonly live = new Map<number, Segment>();
  /** The ids of `live`, ascending. */
  private ids: number[] = [];
  private observedStreamTime = -Infinity;
  private opened: OpenedDb | null = null;
  private drops: Array<Promise<void>> = [];
  private meta: Segment | null = null;

  /** Kafka's RocksDB segmented stores (expiry by segment) rather than its in-memory stores (expiry by record). */
  private readonly bySegment: boolean;

  constructor(
    private readonly kind: 'memory' | 'leveldb',
    kafkaStore: KafkaStoreKind,
    private readonly segmentTime: (key: Uint8Array) => number,
    private readonly retention: number,
    private readonly interval: number,
  ) {
    this.persistent = kind === 'leveldb';
    this.bySegment = kafkaStore === 'rocksdb';
    this.segments = { ofKey: (k) => this.idOf(segmentTime(k)), ofTime: (t) => this.idOf(t) };
  }

  /** Java's `timestamp / segmentInterval` (truncation toward zero; `+ 0` turns -0 into 0). */
  private idOf(time: number): number {
    return Math.trunc(time / this.interval) + 0;
  }

  private addId(id: number): void {
    const ids = this.ids;
    if (ids.length === 0 || ids[ids.length - 1] < id) ids.push(id);
    else ids.splice(firstAtLeast(ids, id), 0, id);
  }

  async init(ctx: StoreInitContext, storeName: string): Promise<void> {
    if (this.kind === 'memory') return;
    this.opened = await openLevelDb(ctx, storeName);
    const db = this.opened.db;
    // Existing segments: seek from one segment-id prefix to the next.
    for (let from: Uint8Array = new Uint8Array(0); ; ) {
      const it = db.keys({ gte: from, limit: 1 });
      const [first] = await it.all();
      if (!first) break;
      const id = readLong(first, 0);
      if (id === META_ID) {
        this.meta = new LevelDbBytesStore({ shared: db, prefix: META_PREFIX });
        await this.meta.init(ctx, storeName);
        break;
      }
      const seg = new LevelDbBytesStore({ shared: db, prefix: longBytes(id), indexKeys: true });
      await seg.init(ctx, storeName);
      this.live.set(id, seg);
      this.addId(id);
      for (const k of seg.keysSync()!) this.observedStreamTime = Math.max(this.observedStreamTime, this.segmentTime(k));
      from = longBytes(id + 1);
    }
  }

  private expired(time: number): boolean {
    return time <= this.observedStreamTime - this.retention;
  }

  /** Whether a range returns an entry of segment time `t` (see RangeQuery.includeExpired / timeOrdered; 'rocksdb' only). */
  private visible(q: RangeQuery, t: number): boolean {
    if (!this.bySegment) return !this.expired(t);
    if (q.includeExpired) return true;
    return q.timeOrdered ? t >= this.observedStreamTime - this.retention : !this.expired(t);
  }

  private segment(id: number): Segment {
    let seg = this.live.get(id);
    if (!seg) {
      seg = this.opened ? new LevelDbBytesStore({ shared: this.opened.db, prefix: longBytes(id), indexKeys: true }) : new MemorySegment();
      this.live.set(id, seg);
      this.addId(id);
    }
    return seg;
  }

  private metaStore(): Segment {
    if (!this.meta) this.meta = this.opened ? new LevelDbBytesStore({ shared: this.opened.db, prefix: META_PREFIX }) : new MemorySegment();
    return this.meta;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    if (isMetaKey(key)) return this.meta?.get(key);
    const t = this.segmentTime(key);
    if (this.expired(t)) return undefined;
    return this.live.get(this.idOf(t))?.get(key);
  }

  put(key: Uint8Array, value: Uint8Array | null): void {
    if (isMetaKey(key)) return this.metaStore().put(key, value);
    const t = this.segmentTime(key);
    if (t > this.observedStreamTime) {
      this.observedStreamTime = t;
      this.dropExpiredSegments();
    }
    const id = this.idOf(t);
    // Kafka: "Skipping record for expired segment" (RocksDB: the segment; in memory: the record).
    if (this.bySegment ? id < this.idOf(this.observedStreamTime - this.retention) : this.expired(t)) return;
    this.segment(id).put(key, value);
  }

  restore(key: Uint8Array, value: Uint8Array | null): void {
    this.put(key, value);
  }

  private dropExpiredSegments(): void {
    const minLive = this.idOf(this.observedStreamTime - this.retention);
    let n = 0;
    while (n < this.ids.length && this.ids[n] < minLive) {
      const id = this.ids[n++];
      const seg = this.live.get(id)!;
      this.live.delete(id);
      if (seg instanceof LevelDbBytesStore) this.drops.push(seg.destroy());
      else void seg.close();
    }
    if (n > 0) this.ids.splice(0, n);
  }

  /** The live segments a query touches, in visiting order. */
  private searched(q: RangeQuery): Segment[] {
    const all = this.ids;
    let lo = 0;
    let hi = all.length;
    if (q.segmentFrom !== undefined) lo = firstAtLeast(all, this.idOf(q.segmentFrom));
    if (q.segmentTo !== undefined) hi = Math.max(lo, firstAtLeast(all, this.idOf(q.segmentTo) + 1));
    const out: Segment[] = new Array(hi - lo);
    for (let i = lo; i < hi; i++) out[i - lo] = this.live.get(all[i])!;
    if (q.reverse) out.reverse();
    return out;
  }

  async *range(q: RangeQuery): AsyncIterable<BytesEntry> {
    for (const seg of this.searched(q)) {
      for await (const e of seg.range(q)) if (this.visible(q, this.segmentTime(e[0]))) yield e;
    }
  }

  rangeSync(q: RangeQuery): BytesEntry[] | undefined {
    const out: BytesEntry[] = [];
    for (const seg of this.searched(q)) {
      const part = seg.rangeSync(q);
      if (part === undefined) return undefined;
      for (const e of part) if (this.visible(q, this.segmentTime(e[0]))) out.push(e);
    }
    return out;
  }

  approximateNumEntries(): number {
    let n = 0;
    for (const seg of this.live.values()) n += seg.approximateNumEntries();
    return n;
  }

  async flush(): Promise<void> {
    const drops = this.drops.splice(0);
    await Promise.all([...drops, ...[...this.live.values()].map((s) => s.flush()), ...(this.meta ? [this.meta.flush()] : [])]);
  }

  async close(): Promise<void> {
    await this.flush();
    for (const seg of this.live.values()) await seg.close();
    this.live.clear();
    this.ids = [];
    await this.meta?.close();
    this.meta = null;
    if (this.opened) await closeLevelDb(this.opened);
    this.opened = null;
  }
}

/** First index of ascending `a` with a[i] >= v. */
function firstAtLeast(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
