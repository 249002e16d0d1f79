/**
 * Kafka's TimestampedTupleForwarder, once for every store kind: with caching on, the store's cache forwards a
 * change when it flushes or evicts the entry (so consecutive updates of a key collapse), and the processor must
 * not forward it itself; without caching the processor forwards at once.
 */
import type { FlushListener } from '../state/types.ts';
import type { NodeContext } from './types.ts';

export interface FlushSource<K> {
  /** null: the processor has no child (nothing to decode on flush). Returns whether the store caches. */
  setFlushListener(listener: FlushListener<K, unknown> | null): boolean;
}

/**
 * Installs the flush listener that forwards cached changes downstream; returns true when the store caches (then the
 * processor leaves forwarding to it). `flushTimestamp` gives a flushed record's timestamp when it is not the
 * value's own (sessions: the session end).
 */
export function forwardOnFlush<K>(ctx: NodeContext, store: FlushSource<K> | null, flushTimestamp?: (key: K) => number): boolean {
  if (store === null) return false;
  const sendOld = ctx.sendOldValues;
  return store.setFlushListener(ctx.childNames().length === 0 ? null : (key, nv, ov, rc) => {
    const timestamp = flushTimestamp ? flushTimestamp(key) : nv ? nv.timestamp : rc.timestamp;
    const r = ctx.forward({ key, value: nv ? nv.value : null, oldValue: sendOld && ov ? ov.value : null, timestamp, headers: rc.headers });
    if (r instanceof Promise) {
      throw new Error(`${ctx.node}: a downstream processor returned a promise during a cache flush; async processors cannot follow a cached KTable. Turn caching off for this store (materialized: { caching: false }).`);
    }
  });
}
