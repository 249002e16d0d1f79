/**
 * The bytes-level contract every store layer below Metered implements (Caching, ChangeLogging,
 * the memory / LevelDB bytes stores and the time-segmented store). Keys and values are bytes;
 * only the Metered layer knows K and V. Point operations are synchronous: the processing path
 * never awaits per record (an awaited LevelDB get costs ~29k/s here, `getSync` ~260k/s, a batched
 * put ~530k/s), so writes are buffered and go down in one batch at `flush()` (the task's commit).
 */
import type { RecordContext, StoreInitContext } from './types.ts';

export type BytesEntry = [key: Uint8Array, value: Uint8Array];

/** A key range, both bounds inclusive, null = unbounded; ordered by unsigned key bytes. */
export interface RangeQuery {
  from: Uint8Array | null;
  to: Uint8Array | null;
  reverse?: boolean;
  /** Segmented stores only: the segment-time bounds (inclusive) of the segments to search. */
  segmentFrom?: number;
  segmentTo?: number;
  /**
   * Segmented stores following Kafka's RocksDB stores only: also return entries past retention that still sit in a live
   * segment (Kafka's time-ordered session store range fetch). Ignored by those following Kafka's in-memory stores.
   */
  includeExpired?: boolean;
  /** Likewise: Kafka's time-ordered stores also show a time exactly at observed stream time - retention. */
  timeOrdered?: boolean;
}

/** Caching flush callback at the bytes level (old value read from the layer below before the write). */
export type BytesFlushListener = (key: Uint8Array, newValue: Uint8Array | null, oldValue: Uint8Array | null, context: RecordContext) => void;

export interface SegmentIds {
  ofKey(key: Uint8Array): number;
  ofTime(time: number): number;
}

export interface BytesLayer {
  readonly persistent: boolean;
  init(ctx: StoreInitContext, storeName: string): Promise<void>;
  /** `bin`: the key's binary string (toBinary) when the caller has it already; layers that need it skip the conversion. */
  get(key: Uint8Array, bin?: string): Uint8Array | undefined;
  /** null deletes. `context`: the record context of this write when it is not the current one (cache flush). */
  put(key: Uint8Array, value: Uint8Array | null, context?: RecordContext, bin?: string): void;
  range(q: RangeQuery): AsyncIterable<BytesEntry>;
  /** The same range synchronously, or undefined when this stack cannot answer without I/O. */
  rangeSync(q: RangeQuery): BytesEntry[] | undefined;
  approximateNumEntries(): number;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Apply one changelog record without logging it. */
  restore(key: Uint8Array, value: Uint8Array | null, timestamp: number): void;
  /**
   * Bulk restoration on/off (Kafka toggles RocksDB for bulk loading the same way): while on, restored records may
   * be invisible to reads until the next flush. The runtime turns it on around a store's changelog restore.
   */
  bulkRestore?(on: boolean): void;
  /** Segmented stores: segment ids (caches order their entries segment-major, as the store does). */
  readonly segments?: SegmentIds;
  /** Caching layer only: install the flush listener; returns true when caching is on. */
  setFlushListener?(listener: BytesFlushListener): boolean;
}

/** Iterates an array as an AsyncIterable (ranges are snapshotted, then yielded). */
export async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}
