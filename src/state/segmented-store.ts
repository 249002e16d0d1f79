/**
 * Time-segmented bytes store under window and session stores (Kafka's segmented bytes stores).
 * Keys are routed to segments by their segment time (window: start; session: end), segment id =
 * floor(time / interval). The store tracks observed stream time (max segment time put); data with
 * time <= observedStreamTime - retention is invisible and not written, and whole segments below
 * segmentId(observedStreamTime - retention) are dropped (LevelDB: one range delete, at the next flush).
 * Ranges visit segments in time order (reverse: backwards), each in key order, as Kafka does.
 * Memory segments are MemoryBytesStores; LevelDB segments are key spaces (8-byte segment-id prefix)
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
import { isMetaKey } from './emit-time.ts';

/** Segment-id prefix of the metadata key space in LevelDB (-1 as a signed long: sorts after all segments). */
const META_PREFIX = new Uint8Array(8).fill(0xff);
const META_ID = -1;

type Segment = MemorySegment | LevelDbBytesStore;

export class SegmentedBytesStore implements BytesLayer {
  readonly persistent: boolean;
  readonly segments: SegmentIds;
  private readonly live = new Map<number, Segment>();
  private observedStreamTime = -Infinity;
  private opened: OpenedDb | null = null;
  private drops: Array<Promise<void>> = [];
  private meta: Segment | null = null;

  constructor(
    private readonly kind: 'memory' | 'leveldb',
    private readonly segmentTime: (key: Uint8Array) => number,
    private readonly retention: number,
    private readonly interval: number,
  ) {
    this.persistent = kind === 'leveldb';
    this.segments = { ofKey: (k) => this.idOf(segmentTime(k)), ofTime: (t) => this.idOf(t) };
  }

  private idOf(time: number): number {
    return Math.floor(time / this.interval);
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
      for (const k of seg.keysSync()!) this.observedStreamTime = Math.max(this.observedStreamTime, this.segmentTime(k));
      from = longBytes(id + 1);
    }
  }

  private expired(time: number): boolean {
    return time <= this.observedStreamTime - this.retention;
  }

  /** Whether a range returns an entry of segment time `t` (see RangeQuery.includeExpired / timeOrdered). */
  private visible(q: RangeQuery, t: number): boolean {
    if (q.includeExpired) return true;
    return q.timeOrdered ? t >= this.observedStreamTime - this.retention : !this.expired(t);
  }

  private segment(id: number): Segment {
    let seg = this.live.get(id);
    if (!seg) {
      seg = this.opened ? new LevelDbBytesStore({ shared: this.opened.db, prefix: longBytes(id), indexKeys: true }) : new MemorySegment();
      this.live.set(id, seg);
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
    if (this.expired(t)) return; // Kafka: "Skipping record for expired segment"
    this.segment(this.idOf(t)).put(key, value);
  }

  restore(key: Uint8Array, value: Uint8Array | null): void {
    this.put(key, value);
  }

  private dropExpiredSegments(): void {
    const minLive = this.idOf(this.observedStreamTime - this.retention);
    for (const [id, seg] of this.live) {
      if (id >= minLive) continue;
      this.live.delete(id);
      if (seg instanceof LevelDbBytesStore) this.drops.push(seg.destroy());
      else void seg.close();
    }
  }

  /** The live segments a query touches, in visiting order. */
  private searched(q: RangeQuery): Segment[] {
    const lo = q.segmentFrom === undefined ? -Infinity : this.idOf(q.segmentFrom);
    const hi = q.segmentTo === undefined ? Infinity : this.idOf(q.segmentTo);
    const ids = [...this.live.keys()].filter((id) => id >= lo && id <= hi).sort((a, b) => a - b);
    if (q.reverse) ids.reverse();
    return ids.map((id) => this.live.get(id)!);
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
    await this.meta?.close();
    this.meta = null;
    if (this.opened) await closeLevelDb(this.opened);
    this.opened = null;
  }
}
