/**
 * The last emitted window close time of an EmitStrategy.onWindowClose() aggregation, kept with its window or
 * session store so that a restarted task does not emit closed windows a second time. Kafka keeps this value
 * (AbstractKStreamTimeWindowAggregateProcessor.lastEmitWindowCloseTime) as processor metadata committed with the
 * input offsets; here it is one record of the store itself, under a key shorter than any window or session key
 * (window keys are >= 12 bytes, session keys >= 16), written below the cache: to the changelog topic (value: the
 * 8-byte close time, record timestamp = the close time) and to the local store (segmented stores keep it outside
 * their time segments, so it never expires), at flush, i.e. in the same commit as the results it covers.
 * Restore (changelog or local state) brings it back. The test driver never restarts a task, so without a task
 * directory (the driver, a bare Task) nothing is written and the changelog output equals Kafka's.
 */
import { readLong, writeLong } from './bytes.ts';
import type { BytesLayer } from './layer.ts';
import type { StoreInitContext } from './types.ts';

/** "\0emit": the store key of the last emitted close time. */
export const EMIT_TIME_KEY = Uint8Array.of(0x00, 0x65, 0x6d, 0x69, 0x74);

/** Keys of store metadata (not windows or sessions): shorter than a segment-time suffix. */
export const isMetaKey = (key: Uint8Array): boolean => key.length < 8;

export class EmitCloseTime {
  private pending: number | null = null;
  private enabled = false;
  private ctx: StoreInitContext | null = null;

  /**
   * @param layer the store's stack below its cache (changelogging, then the bytes store)
   * @param timestamped the store's values carry an 8-byte timestamp in front (the changelogging layer strips it)
   */
  constructor(private readonly layer: BytesLayer, private readonly timestamped: boolean) {}

  init(ctx: StoreInitContext): void {
    this.ctx = ctx;
    this.enabled = ctx.taskDir !== undefined;
  }

  /** The last emitted close time written or restored, or null (never emitted, or not kept here). */
  get(): number | null {
    if (!this.enabled) return null;
    if (this.pending !== null) return this.pending;
    const v = this.layer.get(EMIT_TIME_KEY);
    return v === undefined || v.length < 8 ? null : readLong(v, v.length - 8);
  }

  /** Records a new close time; it is written at the next flush. */
  set(closeTime: number): void {
    if (this.enabled) this.pending = closeTime;
  }

  /** Writes the pending close time down (call before the layers below flush). */
  flush(): void {
    if (this.pending === null || this.ctx === null) return;
    const t = this.pending;
    this.pending = null;
    const value = new Uint8Array(this.timestamped ? 16 : 8);
    if (this.timestamped) writeLong(value, 0, t);
    writeLong(value, value.length - 8, t);
    this.layer.put(EMIT_TIME_KEY, value, { ...this.ctx.recordContext(), timestamp: t });
  }
}
