/**
 * Time-window aggregation (Kafka's KStreamWindowAggregate): a record updates every window containing it whose
 * end is after the close time (observed stream time - grace); older windows drop the record. Stream time is the
 * processor's own observed maximum, as in Kafka. With EmitStrategy.onWindowClose() nothing is forwarded on update:
 * closed windows are range-fetched (start <= close time - size) once the close time progresses.
 */
import type { Factory, MaybePromise } from '../types.ts';
import type { TimestampedWindowStoreInternal } from '../../state/types.ts';
import { LastEmitCloseTime } from './last-emit.ts';
import { WindowForwarder, reportLate, reportNullKey } from './forwarder.ts';

type Store = TimestampedWindowStoreInternal<unknown, unknown>;

export const timeWindowAggregate: Factory<'timeWindowAggregate'> = (node, ctx) => {
  const { storeName, windows, initializer, aggregator, emitFinal } = node.params;
  const size = windows.sizeMs;
  let store!: Store;
  let fwd!: WindowForwarder;
  let observed = -1;
  let last!: LastEmitCloseTime;

  const startsOf = (t: number) => windows.windowsFor(t).map((w) => w.start).join(',');

  function emitClosed(closeTime: number, headers: import('../../api/records.ts').Headers | undefined): void {
    const lastEmitCloseTime = last.get();
    if (lastEmitCloseTime !== null && lastEmitCloseTime >= closeTime) return;
    const upper = closeTime - size;
    if (upper < 0) return;
    const lower = lastEmitCloseTime === null ? 0 : Math.max(0, lastEmitCloseTime - size) + 1;
    // Kafka: no fetch when the close time did not move past another window's end.
    if (lastEmitCloseTime !== null && startsOf(upper) === startsOf(lower - 1)) return;
    for (const e of store.fetchAllSync(lower, upper)) {
      fwd.forward({ key: e.key, window: e.window }, e.value.value, e.value.timestamp, headers);
    }
    last.set(closeTime);
  }

  return {
    init() {
      store = ctx.task.getStore<Store>(storeName, node.name);
      last = new LastEmitCloseTime(store);
      fwd = new WindowForwarder(ctx, emitFinal ? null : store);
    },
    process(r): MaybePromise {
      if (r.key === null || r.key === undefined) {
        reportNullKey(ctx, r.timestamp);
        return;
      }
      const ts = r.timestamp;
      if (ts > observed) observed = ts;
      const closeTime = observed - windows.graceMs;
      let accepted = false;
      let lateBy = 0;
      for (const w of windows.windowsFor(ts)) {
        if (w.end > closeTime) {
          accepted = true;
          const old = store.fetchOne(r.key, w.start);
          let oldAgg = old ? old.value : null;
          let newTs: number;
          if (oldAgg === null || oldAgg === undefined) {
            oldAgg = initializer();
            newTs = ts;
          } else {
            newTs = Math.max(ts, old!.timestamp);
          }
          const newAgg = aggregator(r.key, r.value, oldAgg);
          store.put(r.key, newAgg === null || newAgg === undefined ? null : { value: newAgg, timestamp: newTs }, w.start);
          if (!emitFinal) fwd.maybeForward({ key: r.key, window: { start: w.start, end: w.end } }, newAgg ?? null, oldAgg, newTs, r.headers);
        } else {
          lateBy = Math.max(lateBy, closeTime - w.end);
        }
      }
      if (!accepted) reportLate(ctx, ts, lateBy);
      if (emitFinal) emitClosed(closeTime, r.headers);
      return fwd.flush();
    },
  };
};
