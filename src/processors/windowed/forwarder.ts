/**
 * Kafka's TimestampedTupleForwarder for windowed aggregations: with caching on (and emit-on-update) the store
 * forwards on flush, so consecutive updates of a window collapse; otherwise the processor collects its records and
 * forwards them after the store work for the input record is done, in Kafka's order.
 */
import type { Headers, Windowed } from '../../api/records.ts';
import type { MaybePromise, NodeContext, Rec } from '../types.ts';
import { forwardAll } from '../types.ts';
import { forwardOnFlush, type FlushSource } from '../tuple-forwarder.ts';

export class WindowForwarder {
  private readonly cached: boolean;
  private pending: Rec[] = [];

  /**
   * @param store the store whose cache forwards on flush; null for emit-on-close (Kafka installs no flush listener).
   * @param flushTimestamp the timestamp of a record forwarded on flush (sessions: the session end).
   */
  constructor(private readonly ctx: NodeContext, store: FlushSource<Windowed<unknown>> | null, flushTimestamp?: (key: Windowed<unknown>) => number) {
    this.cached = forwardOnFlush(ctx, store, flushTimestamp);
  }

  /** Queues a change unless the store's cache will forward it on flush. */
  maybeForward(key: Windowed<unknown>, newValue: unknown, oldValue: unknown, timestamp: number, headers: Headers | undefined): void {
    if (this.cached) return;
    this.pending.push({ key, value: newValue, oldValue: this.ctx.sendOldValues ? oldValue : null, timestamp, headers });
  }

  /** Queues a record regardless of caching (emit-on-close final results). */
  forward(key: Windowed<unknown>, value: unknown, timestamp: number, headers: Headers | undefined): void {
    this.pending.push({ key, value, oldValue: null, timestamp, headers });
  }

  /** Forwards what was queued while processing one input record. */
  flush(): MaybePromise {
    if (this.pending.length === 0) return;
    const recs = this.pending;
    this.pending = [];
    return forwardAll(this.ctx, recs);
  }
}

/** Reports a record that no window accepted because its windows have closed. */
export function reportLate(ctx: NodeContext, timestamp: number, lateByMs: number): void {
  ctx.task.dropped({ reason: 'late', operator: ctx.node, timestamp, lateByMs });
}

export function reportNullKey(ctx: NodeContext, timestamp: number): void {
  ctx.task.dropped({ reason: 'null-key', operator: ctx.node, timestamp });
}
