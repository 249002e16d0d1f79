/**
 * How DSL processors use a timestamped key-value store: get/put with ValueAndTimestamp, and Kafka's
 * TimestampedTupleForwarder: with caching on the store forwards on flush (so consecutive updates collapse),
 * otherwise the processor forwards at once.
 */
import type { FlushListener, ValueAndTimestamp } from '../state/types.ts';
import type { NodeContext, MaybePromise } from './types.ts';

export interface TsKvStore {
  get(key: unknown): ValueAndTimestamp<unknown> | undefined;
  put(key: unknown, value: ValueAndTimestamp<unknown> | null): void;
  /** null: the processor has no child (nothing to decode on flush). */
  setFlushListener(listener: FlushListener<unknown, unknown> | null): boolean;
  /** True when both values serialize to the same bytes (Kafka compares serialized values). */
  sameValue(a: unknown, b: unknown): boolean;
}

export interface TupleForwarder {
  /** Forwards a change unless the store's cache will forward it on flush. */
  maybeForward(key: unknown, newValue: unknown, oldValue: unknown, timestamp: number, headers: import('../api/records.ts').Headers | undefined): MaybePromise;
}

export function tupleForwarder(store: TsKvStore, ctx: NodeContext): TupleForwarder {
  const sendOld = ctx.sendOldValues;
  const cached = store.setFlushListener(ctx.childNames().length === 0 ? null : (key, nv, ov, rc) => {
    const r = ctx.forward({
      key, value: nv ? nv.value : null, oldValue: sendOld && ov ? ov.value : null,
      timestamp: nv ? nv.timestamp : rc.timestamp, headers: rc.headers,
    });
    if (r instanceof Promise) {
      throw new Error(`${ctx.node}: a downstream processor returned a promise during a cache flush; async processors cannot follow a cached KTable. Turn caching off for this store (materialized: { caching: false }).`);
    }
  });
  return {
    maybeForward(key, newValue, oldValue, timestamp, headers) {
      if (cached) return;
      return ctx.forward({ key, value: newValue, oldValue: sendOld ? oldValue : null, timestamp, headers });
    },
  };
}

export const valueOrNull = (v: ValueAndTimestamp<unknown> | undefined | null): unknown => (v ? v.value : null);
