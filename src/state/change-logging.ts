/**
 * ChangeLogging layer: every write that goes down to the bytes store is also appended to the
 * changelog topic, partition = the task's input partition, with the write's record timestamp
 * (timestamped key-value stores: the value's own timestamp, as Kafka's
 * ChangeLoggingTimestampedKeyValueBytesStore). `restore` applies a changelog record without logging it.
 * No ChangelogSink in the init context: nothing to log to, the layer only passes writes down.
 */
import type { BytesEntry, BytesLayer, RangeQuery, SegmentIds } from './layer.ts';
import type { ChangelogSink, RecordContext, StoreInitContext } from './types.ts';

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

  get(key: Uint8Array): Uint8Array | undefined {
    return this.inner.get(key);
  }

  put(key: Uint8Array, value: Uint8Array | null, context?: RecordContext): void {
    this.inner.put(key, value, context);
    if (!this.sink) return;
    const ts = value !== null && this.timestampOf ? this.timestampOf(value) : (context ?? this.ctx.recordContext()).timestamp;
    this.sink.append(this.topic(), this.ctx.partition, key, value, ts);
  }

  restore(key: Uint8Array, value: Uint8Array | null, timestamp: number): void {
    this.inner.restore(key, value, timestamp);
  }

  range(q: RangeQuery): AsyncIterable<BytesEntry> {
    return this.inner.range(q);
  }

  rangeSync(q: RangeQuery): BytesEntry[] | undefined {
    return this.inner.rangeSync(q);
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
