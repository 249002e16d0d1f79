/**
 * ChangeLogging layer: every write that goes down to the bytes store is also appended to the
 * changelog topic, partition = the task's input partition, with the write's record timestamp.
 * Timestamped stores (8-byte timestamp + value inside) log the raw value with the value's own timestamp as
 * the record timestamp, as Kafka's ChangeLoggingTimestampedKeyValueBytesStore does, so the changelog topic
 * reads with the store's value serde (and a source table's input topic can serve as its changelog);
 * `restore` puts the timestamp back in front (Kafka's RecordConverters.rawValueToTimestampedValue).
 * `restore` applies a changelog record without logging it.
 * No ChangelogSink in the init context: nothing to log to, the layer only passes writes down.
 */
import type { BytesEntry, BytesLayer, RangeQuery, SegmentIds } from './layer.ts';
import type { ChangelogSink, RecordContext, StoreInitContext } from './types.ts';
import { writeLong } from './bytes.ts';

export class ChangeLoggingLayer implements BytesLayer {
  readonly persistent: boolean;
  readonly segments?: SegmentIds;
  private ctx!: StoreInitContext;
  private sink: ChangelogSink | undefined;

  /**
   * @param topic the changelog topic (resolved at init by the caller's store: `<applicationId>-<store>-changelog`)
   * @param timestampOf the changelog timestamp of a non-null value (default: the write's record timestamp)
   */
  constructor(
    private readonly inner: BytesLayer,
    private readonly topic: () => string,
    private readonly timestampOf?: (value: Uint8Array) => number,
  ) {
    this.persistent = inner.persistent;
    this.segments = inner.segments;
  }

  async init(ctx: StoreInitContext, storeName: string): Promise<void> {
    this.ctx = ctx;
    this.sink = ctx.changelog;
    await this.inner.init(ctx, storeName);
  }

  get(key: Uint8Array, bin?: string): Uint8Array | undefined {
    return this.inner.get(key, bin);
  }

  put(key: Uint8Array, value: Uint8Array | null, context?: RecordContext, bin?: string): void {
    this.inner.put(key, value, context, bin);
    if (!this.sink) return;
    if (value !== null && this.timestampOf) {
      this.sink.append(this.topic(), this.ctx.partition, key, value.subarray(8), this.timestampOf(value));
    } else {
      this.sink.append(this.topic(), this.ctx.partition, key, value, (context ?? this.ctx.recordContext()).timestamp);
    }
  }

  restore(key: Uint8Array, value: Uint8Array | null, timestamp: number): void {
    if (value !== null && this.timestampOf) {
      const withTs = new Uint8Array(8 + value.length);
      writeLong(withTs, 0, timestamp);
      withTs.set(value, 8);
      value = withTs;
    }
    this.inner.restore(key, value, timestamp);
  }

  range(q: RangeQuery): AsyncIterable<BytesEntry> {
    return this.inner.range(q);
  }

  rangeSync(q: RangeQuery): BytesEntry[] | undefined {
    return this.inner.rangeSync(q);
  }

  bulkRestore(on: boolean): void {
    this.inner.bulkRestore?.(on);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
