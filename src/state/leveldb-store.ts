/**
 * LevelDB bytes store (classic-level). Why it looks like this: an awaited LevelDB `get` costs
 * ~29k/s here, `getSync` ~260k/s and a batched put ~530k/s, so the processing path never awaits
 * per record. Point reads check the pending-writes map, then call `getSync`; writes go into the
 * pending map and reach LevelDB in one `batch()` at `flush()` (the task's commit).
 * Ranges (async): they flush the pending writes first, then iterate LevelDB; this keeps one
 * source of truth for order and costs one batch per range call, not per record.
 * Optional `prefix`: the store is one key space of a shared database (segments of a window store).
 * Optional `indexKeys`: an in-memory sorted index of the keys (bytes of keys only, bounded by
 * retention for window and session stores) that lets `rangeSync` answer with `getSync` reads.
 */
import { concatBytes, prefixEnd, toBinary } from './bytes.ts';
import type { BytesEntry, BytesLayer, RangeQuery } from './layer.ts';
import type { AbstractChainedBatch } from 'abstract-level';
import { closeLevelDb, guardOf, openLevelDb, type LevelDb, type OpenedDb } from './leveldb-open.ts';
import { SortedKeys } from './sorted-keys.ts';
import type { StoreInitContext } from './types.ts';

type ChainedBatch = AbstractChainedBatch<LevelDb, Uint8Array, Uint8Array>;

interface Pending {
  key: Uint8Array;
  value: Uint8Array | null;
  /** Whether the key existed in LevelDB before this flush interval (undefined: not known yet). */
  existed?: boolean;
}

const KNOWN_MAX = 1 << 17;

/** Restored records per background LevelDB batch write. */
const RESTORE_BATCH = 100_000;

/**
 * Pending writes beyond this many keys are written down in the background before the commit, so state larger
 * than memory stays on disk between commits (B2: 10M distinct keys under 1 GB). Local state may then run ahead of
 * the changelog: every write-down first tells the task's LocalStateGuard, which deletes the task's checkpoint, so
 * that a restart after a crash wipes the stores and restores them from the changelog (both guarantees).
 */
const SPILL_KEYS = 20_000;
/** Least time between two key recounts of one store after restores (a standby task restores at every tail). */
const RECOUNT_INTERVAL_MS = 30_000;

export interface LevelDbOptions {
  /** A database owned by someone else (then `prefix` separates this store's keys). */
  shared?: LevelDb;
  prefix?: Uint8Array;
  indexKeys?: boolean;
}

export class LevelDbBytesStore implements BytesLayer {
  readonly persistent = true;
  private db!: LevelDb;
  private opened: OpenedDb | null = null;
  private readonly prefix: Uint8Array;
  private pending = new Map<string, Pending>();
  private flushing: Map<string, Pending> | null = null;
  private flushChain: Promise<void> = Promise.resolve();
  /** A background write-down of pending writes is queued (see SPILL_KEYS). */
  private spilling = false;
  /**
   * Whether keys read with getSync or written down are in LevelDB, so that a later put of the key
   * (read-modify-write, possibly much later: a cache above flushes on eviction or commit) knows whether it
   * adds an entry without another getSync at write-down. Bounded: started afresh when full.
   */
  private known = new Map<string, boolean>();
  /**
   * True while this key space is known to be empty in LevelDB (init found no key, nothing written since):
   * a restore into a fresh store then writes its first batch without a getSync per key to keep the count.
   */
  private empty = false;
  private readonly index: SortedKeys | null;
  /** Entry count: keys counted by a background scan at open + net inserts flushed since. */
  private count = 0;
  private countScan: Promise<void> = Promise.resolve();
  /** Bulk restore (see restore): on, the batch being filled and its size. */
  private bulk = false;
  private restoring: ChainedBatch | null = null;
  private restoringOps = 0;
  /** The entry count is stale (restored without existence reads): recount at the next flush. */
  private recount = false;
  private recountedAt = Number.NEGATIVE_INFINITY;
  private closing = false;

  constructor(private readonly opts: LevelDbOptions = {}) {
    this.prefix = opts.prefix ?? new Uint8Array(0);
    this.index = opts.indexKeys ? new SortedKeys() : null;
    if (opts.shared) this.db = opts.shared; // a fresh key space of a shared db is usable without init
  }

  async init(ctx: StoreInitContext, storeName: string): Promise<void> {
    this.closing = false;
    if (!this.opts.shared) {
      this.opened = await openLevelDb(ctx, storeName);
      this.db = this.opened.db;
    }
    const it = this.db.keys(this.bounds({ from: null, to: null }));
    const first = await it.nextv(1000); // the iterator's snapshot is taken before any write
    const consume = (keys: Uint8Array[]): void => {
      this.count += keys.length;
      if (this.index) for (const k of keys) this.index.add(toBinary(k.subarray(this.prefix.length)));
    };
    consume(first);
    this.empty = first.length === 0;
    const rest = async (): Promise<void> => {
      for (let batch = await it.nextv(1000); batch.length > 0 && !this.closing; batch = await it.nextv(1000)) consume(batch);
      await it.close();
    };
    // The key index must be complete before rangeSync answers; a plain count may finish later.
    if (this.index) await rest();
    else this.countScan = first.length < 1000 ? it.close() : rest();
  }

  private full(key: Uint8Array): Uint8Array {
    return this.prefix.length === 0 ? key : concatBytes(this.prefix, key);
  }

  get(key: Uint8Array, bin?: string): Uint8Array | undefined {
    const k = bin ?? toBinary(key);
    const p = this.pending.get(k) ?? this.flushing?.get(k);
    if (p) return p.value ?? undefined;
    const v = this.db.getSync(this.full(key));
    if (this.known.size < KNOWN_MAX) this.known.set(k, v !== undefined);
    return v;
  }

  put(key: Uint8Array, value: Uint8Array | null, _context?: unknown, bin?: string): void {
    const k = bin ?? toBinary(key);
    const prev = this.pending.get(k);
    const known = this.known.get(k);
    this.pending.set(k, { key, value, existed: prev ? prev.existed : known });
    if (this.pending.size >= SPILL_KEYS && this.flushing === null && !this.spilling) {
      this.spilling = true;
      this.flush().catch(() => undefined); // a failure surfaces at the next awaited flush (the commit)
    }
    if (this.index) {
      if (value === null) this.index.delete(k);
      else this.index.add(k);
    }
  }

  /**
   * In bulk restore mode (bulkRestore), changelog records go straight into a LevelDB batch (native memory), written
   * in the background every RESTORE_BATCH records and at flush: no pending map and no existence read per key, so the entry count is
   * recounted by a key scan after the restore (`flush`). Restores happen before the task processes anything, and
   * a restore with pending writes (not the runtime's case) takes the ordinary put path to keep their order.
   */
  restore(key: Uint8Array, value: Uint8Array | null): void {
    if (!this.bulk || this.pending.size > 0 || this.flushing !== null || this.index) return this.put(key, value);
    const ops = (this.restoring ??= this.db.batch());
    if (value === null) ops.del(this.full(key));
    else {
      ops.put(this.full(key), value);
      this.count++; // an upper bound until the recount (a compacted changelog has about one record per key)
    }
    if (this.known.size > 0) this.known.clear();
    if (++this.restoringOps >= RESTORE_BATCH) this.writeRestored();
  }

  bulkRestore(on: boolean): void {
    this.bulk = on;
    if (!on) this.writeRestored();
  }

  private writeRestored(): void {
    const ops = this.restoring;
    if (!ops) return;
    this.restoring = null;
    this.restoringOps = 0;
    this.recount = true;
    this.empty = false;
    this.flushChain = this.flushChain.then(() => ops.write());
  }

  /**
   * Counts the keys again after a restore, in the background (after the open's count scan); close() waits for it.
   * A standby task restores a little at every tail: a full key scan each time would cost more than the tail, so
   * scans are at least RECOUNT_INTERVAL_MS apart (the count is an upper bound in between).
   */
  private recountKeys(): void {
    const now = Date.now();
    if (now - this.recountedAt < RECOUNT_INTERVAL_MS) return;
    this.recountedAt = now;
    this.recount = false;
    this.countScan = this.countScan.then(async () => {
      let n = 0;
      const it = this.db.keys(this.bounds({ from: null, to: null }));
      for (let batch = await it.nextv(10_000); batch.length > 0; batch = await it.nextv(10_000)) {
        if (this.closing) return void (await it.close());
        n += batch.length;
      }
      await it.close();
      this.count = n;
    });
  }

  flush(): Promise<void> {
    this.writeRestored();
    this.flushChain = this.flushChain.then(() => this.writeDown());
    if (this.recount) this.flushChain = this.flushChain.then(() => this.recountKeys());
    return this.flushChain;
  }

  private async writeDown(): Promise<void> {
    this.spilling = false;
    if (this.pending.size === 0) return;
    const guard = guardOf(this.db);
    if (guard?.dirty) {
      this.pending = new Map(); // a dirty close: nothing past the last commit reaches the disk
      return;
    }
    guard?.beforeWrite();
    const batch = (this.flushing = this.pending);
    this.pending = new Map();
    // A chained batch: one native call per operation (~0.4 us) instead of an array of op objects that the
    // binding reads back property by property (~1.5 us per op on the main thread).
    const ops = this.db.batch();
    const known = this.known.size + batch.size <= KNOWN_MAX ? this.known : (this.known = new Map());
    for (const [k, p] of batch) {
      const full = this.full(p.key);
      const existed = p.existed ?? (!this.empty && this.db.getSync(full) !== undefined);
      if (p.value === null) {
        ops.del(full);
        if (existed) this.count--;
      } else {
        ops.put(full, p.value);
        if (!existed) this.count++;
      }
      known.set(k, p.value !== null); // what LevelDB holds once this batch is written
    }
    this.empty = false;
    try {
      await ops.write();
    } finally {
      this.flushing = null;
    }
  }

  private bounds(q: RangeQuery): { gte?: Uint8Array; lte?: Uint8Array; lt?: Uint8Array; reverse?: boolean } {
    const o: { gte?: Uint8Array; lte?: Uint8Array; lt?: Uint8Array; reverse?: boolean } = { reverse: q.reverse ?? false };
    if (q.from !== null) o.gte = this.full(q.from);
    else if (this.prefix.length > 0) o.gte = this.prefix;
    if (q.to !== null) o.lte = this.full(q.to);
    else if (this.prefix.length > 0) {
      const end = prefixEnd(this.prefix);
      if (end) o.lt = end;
    }
    return o;
  }

  async *range(q: RangeQuery): AsyncIterable<BytesEntry> {
    await this.flush();
    const n = this.prefix.length;
    for await (const [k, v] of this.db.iterator(this.bounds(q))) yield [n === 0 ? k : k.subarray(n), v];
  }

  rangeSync(q: RangeQuery): BytesEntry[] | undefined {
    if (!this.index) return undefined;
    const keys = this.index.range(q.from && toBinary(q.from), q.to && toBinary(q.to), q.reverse);
    const out: BytesEntry[] = [];
    for (const k of keys) {
      const key = Buffer.from(k, 'latin1');
      const v = this.get(key);
      if (v !== undefined) out.push([key, v]);
    }
    return out;
  }

  /** The indexed keys in byte order (indexKeys only). */
  keysSync(): Uint8Array[] | undefined {
    return this.index?.range(null, null).map((k) => Buffer.from(k, 'latin1'));
  }

  approximateNumEntries(): number {
    let delta = 0;
    for (const p of this.pending.values()) if (p.existed === false && p.value !== null) delta++;
    return Math.max(0, this.count + delta);
  }

  /** Drops every key of this store (a whole expired segment) with one range delete. */
  async destroy(): Promise<void> {
    if (this.restoring) await this.restoring.close();
    this.restoring = null;
    await this.flushChain;
    this.pending.clear();
    this.known.clear();
    this.index?.clear();
    const guard = guardOf(this.db);
    if (guard?.dirty) return;
    guard?.beforeWrite();
    const b = this.bounds({ from: null, to: null });
    await this.db.clear({ gte: b.gte, lt: b.lt });
  }

  async close(): Promise<void> {
    await this.flush();
    this.closing = true; // a count scan still running stops at its next batch: nobody asks for the count any more
    await this.countScan;
    if (this.opened) await closeLevelDb(this.opened);
    this.opened = null;
  }
}
