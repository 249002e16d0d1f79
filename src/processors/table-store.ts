/**
 * How DSL processors use a timestamped key-value store: get/put with ValueAndTimestamp, and Kafka's
 * TimestampedTupleForwarder (tuple-forwarder.ts) for changes.
 */
import type { FlushListener, ValueAndTimestamp } from '../state/types.ts';
import type { NodeContext, MaybePromise } from './types.ts';
import { forwardOnFlush } from './tuple-forwarder.ts';

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
  const cached = forwardOnFlush(ctx, store);
  return {
    maybeForward(key, newValue, oldValue, timestamp, headers) {
      if (cached) return;
      return ctx.forward({ key, value: newValue, oldValue: sendOld ? oldValue : null, timestamp, headers });
    },
  };
}

export const valueOrNull = (v: ValueAndTimestamp<unknown> | undefined | null): unknown => (v ? v.value : null);
