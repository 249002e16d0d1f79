/**
 * Session-window aggregation (Kafka's KStreamSessionWindowAggregate): a record at t merges every session of its
 * key that ends at or after t - gap and starts at or before t + gap (merger(key, agg, session) in store order),
 * the merged sessions are removed (tombstones downstream, stamped with their end) and the merged session is
 * written and forwarded, stamped with its end. A merged session ending before the close time (observed stream
 * time - grace - gap) drops the record. onWindowClose: sessions ending in [last close time, close time - 1] are
 * emitted once the close time progresses.
 */
import type { Headers, Windowed } from '../../api/records.ts';
import type { Factory, MaybePromise } from '../types.ts';
import type { SessionStoreInternal } from '../../state/types.ts';
import { LastEmitCloseTime } from './last-emit.ts';
import { WindowForwarder, reportLate, reportNullKey } from './forwarder.ts';

type Store = SessionStoreInternal<unknown, unknown>;

export const sessionWindowAggregate: Factory<'sessionWindowAggregate'> = (node, ctx) => {
  const { storeName, windows, initializer, aggregator, merger, emitFinal } = node.params;
  const gap = windows.inactivityGapMs;
  let store!: Store;
  let fwd!: WindowForwarder;
  let observed = -1;
  let last!: LastEmitCloseTime;

  function emitClosed(closeTime: number, headers: Headers | undefined): void {
    const lastEmitCloseTime = last.get();
    if (lastEmitCloseTime !== null && lastEmitCloseTime >= closeTime) return;
    const upper = closeTime - 1;
    if (upper < 0) return;
    const lower = Math.max(0, lastEmitCloseTime ?? -1);
    if (upper < lower) return;
    for (const s of store.findSessionsByEndSync(lower, upper)) fwd.forward({ key: s.key, window: s.window }, s.value, s.window.end, headers);
    last.set(closeTime);
  }

  return {
    init() {
      store = ctx.task.getStore<Store>(storeName, node.name);
      last = new LastEmitCloseTime(store);
      fwd = new WindowForwarder(ctx, emitFinal ? null : store, (k: Windowed<unknown>) => k.window.end);
    },
    process(r): MaybePromise {
      if (r.key === null || r.key === undefined) {
        reportNullKey(ctx, r.timestamp);
        return;
      }
      const ts = r.timestamp;
      if (ts > observed) observed = ts;
      const closeTime = observed - windows.graceMs - gap;
      const merged = store.findSessionsSync(r.key, ts - gap, ts + gap);
      let agg = initializer();
      let start = ts;
      let end = ts;
      for (const s of merged) {
        agg = merger(r.key, agg, s.value);
        if (s.window.start < start) start = s.window.start;
        if (s.window.end > end) end = s.window.end;
      }
      if (end < closeTime) {
        reportLate(ctx, ts, closeTime - end);
      } else {
        if (start !== ts || end !== ts) {
          for (const s of merged) {
            store.remove({ key: r.key, window: s.window });
            if (!emitFinal) fwd.maybeForward({ key: r.key, window: s.window }, null, s.value, s.window.end, r.headers);
          }
        }
        agg = aggregator(r.key, r.value, agg);
        const window = { start, end };
        store.put({ key: r.key, window }, agg);
        if (!emitFinal) fwd.maybeForward({ key: r.key, window }, agg, null, end, r.headers);
      }
      if (emitFinal) emitClosed(closeTime, r.headers);
      return fwd.flush();
    },
  };
};
