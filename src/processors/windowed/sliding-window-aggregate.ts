/**
 * Sliding-window aggregation (Kafka's KStreamSlidingWindowAggregate): windows [start, start + timeDifference],
 * both bounds inclusive, exist only where records are: each record gets a left window ending at it and, when a
 * later record is within reach, a right window starting 1 ms after it; existing windows that contain the record
 * are updated. A window is open while its end >= observed stream time - grace. Records in [0, timeDifference)
 * share the window [0, timeDifference]. Existing windows are scanned newest first (Kafka's reverse iterator).
 */
import type { Headers, Window } from '../../api/records.ts';
import type { Factory, MaybePromise, Rec } from '../types.ts';
import type { TimestampedWindowStoreInternal, ValueAndTimestamp } from '../../state/types.ts';
import { LastEmitCloseTime } from './last-emit.ts';
import { WindowForwarder, reportLate, reportNullKey } from './forwarder.ts';

type Store = TimestampedWindowStoreInternal<unknown, unknown>;
type VAT = ValueAndTimestamp<unknown>;

export const slidingWindowAggregate: Factory<'slidingWindowAggregate'> = (node, ctx) => {
  const { storeName, windows, initializer, aggregator, emitFinal } = node.params;
  const diff = windows.timeDifferenceMs;
  let store!: Store;
  let fwd!: WindowForwarder;
  let observed = -1;
  let last!: LastEmitCloseTime;

  const win = (start: number): Window => ({ start, end: start + diff });

  function updateWindowAndForward(w: Window, vat: VAT | null, r: Rec, closeTime: number): void {
    if (w.end < closeTime) return; // expired window (Kafka counts it in the dropped-records metric)
    const oldAgg = vat ? vat.value : null;
    const newAgg = aggregator(r.key, r.value, oldAgg);
    const newTs = oldAgg === null || oldAgg === undefined ? r.timestamp : Math.max(r.timestamp, vat!.timestamp);
    store.put(r.key, { value: newAgg, timestamp: newTs }, w.start);
    if (!emitFinal) fwd.maybeForward({ key: r.key, window: w }, newAgg, oldAgg, newTs, r.headers);
  }

  function createCurrentRecordRightWindow(ts: number, rightWinAgg: VAT, r: Rec): void {
    const w = win(ts + 1);
    store.put(r.key, rightWinAgg, w.start);
    if (!emitFinal) fwd.maybeForward({ key: r.key, window: w }, rightWinAgg.value, null, rightWinAgg.timestamp, r.headers);
  }

  function createPreviousRecordRightWindow(start: number, r: Rec, closeTime: number): void {
    updateWindowAndForward(win(start), { value: initializer(), timestamp: r.timestamp }, r, closeTime);
  }

  const rightWindowIsNotEmpty = (agg: VAT | null, ts: number): agg is VAT => agg !== null && agg.timestamp > ts;

  function createWindows(r: Rec, closeTime: number, starts: Set<number>, rightWinAgg: VAT | null, leftWinAgg: VAT | null,
    leftCreated: boolean, rightCreated: boolean, prevTs: number | null): void {
    const ts = r.timestamp;
    if (prevTs !== null) {
      const prevRightStart = prevTs + 1;
      if (!starts.has(prevRightStart) && prevRightStart + diff >= ts) createPreviousRecordRightWindow(prevRightStart, r, closeTime);
    }
    if (!leftCreated) {
      const leftNotEmpty = prevTs !== null && ts - diff <= prevTs;
      const vat: VAT = leftNotEmpty ? { value: leftWinAgg!.value, timestamp: ts } : { value: initializer(), timestamp: ts };
      updateWindowAndForward({ start: ts - diff, end: ts }, vat, r, closeTime);
    }
    if (!rightCreated && rightWindowIsNotEmpty(rightWinAgg, ts)) createCurrentRecordRightWindow(ts, rightWinAgg, r);
  }

  function processReverse(r: Rec, closeTime: number): void {
    const ts = r.timestamp;
    const starts = new Set<number>();
    let leftWinAgg: VAT | null = null;
    let rightWinAgg: VAT | null = null;
    let leftCreated = false;
    let rightCreated = false;
    let prevTs: number | null = null;
    const found = store.fetchSync(r.key, Math.max(0, ts - 2 * diff), ts + 1, true);
    for (const { timestamp: start, value } of found) {
      starts.add(start);
      const end = start + diff;
      if (start === ts + 1) {
        rightCreated = true;
      } else if (end > ts) {
        if (rightWinAgg === null) rightWinAgg = value;
        updateWindowAndForward(win(start), value, r, closeTime);
      } else if (end === ts) {
        leftCreated = true;
        updateWindowAndForward(win(start), value, r, closeTime);
        if (value.timestamp < ts) prevTs = value.timestamp;
        else return;
      } else {
        leftWinAgg = value;
        prevTs = value.timestamp;
        break;
      }
    }
    createWindows(r, closeTime, starts, rightWinAgg, leftWinAgg, leftCreated, rightCreated, prevTs);
  }

  /** Records before timeDifference: they share [0, timeDifference] instead of a left window with a negative start. */
  function processEarly(r: Rec, closeTime: number): void {
    const ts = r.timestamp;
    let combined: { start: number; value: VAT } | null = null;
    let rightWinAgg: VAT | null = null;
    let rightCreated = false;
    const starts = new Set<number>();
    let prevTs: number | null = null;
    for (const { timestamp: start, value } of store.fetchSync(r.key, 0, ts + 1)) {
      starts.add(start);
      if (start === 0) {
        combined = { start, value };
        if (value.timestamp < ts) prevTs = value.timestamp;
      } else if (start <= ts) {
        rightWinAgg = value;
        updateWindowAndForward(win(start), value, r, closeTime);
      } else if (start === ts + 1) {
        rightCreated = true;
      } else {
        throw new Error(`${node.name}: unexpected window with start ${start} for a record at ${ts} (store ${storeName}).`);
      }
    }
    if (rightWinAgg === null && combined !== null && combined.value.timestamp > ts) rightWinAgg = combined.value;
    if (!rightCreated && rightWindowIsNotEmpty(rightWinAgg, ts)) createCurrentRecordRightWindow(ts, rightWinAgg, r);
    if (prevTs !== null && !starts.has(prevTs + 1)) createPreviousRecordRightWindow(prevTs + 1, r, closeTime);
    if (combined === null) updateWindowAndForward(win(0), { value: initializer(), timestamp: ts }, r, closeTime);
    else updateWindowAndForward(win(combined.start), combined.value, r, closeTime);
  }

  function emitClosed(closeTime: number, headers: Headers | undefined): void {
    const lastEmitCloseTime = last.get();
    if (lastEmitCloseTime !== null && lastEmitCloseTime >= closeTime) return;
    const upper = closeTime - diff - 1;
    if (upper < 0) return;
    const lower = lastEmitCloseTime === null ? 0 : Math.max(0, lastEmitCloseTime - diff);
    for (const e of store.fetchAllSync(lower, upper)) fwd.forward({ key: e.key, window: e.window }, e.value.value, e.value.timestamp, headers);
    last.set(closeTime);
  }

  return {
    init() {
      store = ctx.task.getStore<Store>(storeName, node.name);
      last = new LastEmitCloseTime(store);
      fwd = new WindowForwarder(ctx, emitFinal ? null : store);
    },
    process(r): MaybePromise {
      if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) {
        if (r.key == null) reportNullKey(ctx, r.timestamp);
        else ctx.task.dropped({ reason: 'null-value', operator: node.name, timestamp: r.timestamp });
        return;
      }
      const ts = r.timestamp;
      if (ts > observed) observed = ts;
      const closeTime = observed - windows.graceMs;
      if (ts + 1 + diff <= closeTime) {
        reportLate(ctx, ts, closeTime - ts - 1 - diff);
      } else if (ts < diff) {
        processEarly(r, closeTime);
      } else {
        processReverse(r, closeTime);
      }
      if (emitFinal) emitClosed(closeTime, r.headers);
      return fwd.flush();
    },
  };
};
