/**
 * Stream-stream joins (Kafka's KStreamJoinWindow + KStreamKStreamJoin, 4.x semantics):
 * - joinWindow (KSTREAM-WINDOWED): forwards the record, then puts it in its side's window store (retain
 *   duplicates, retention before + after + grace). Late records are not dropped by stream time; the store's
 *   retention decides what the other side still finds.
 * - streamStreamJoin: each record joins every other-side record in [ts - before, ts + after], output timestamp
 *   = max of both. Left/outer sides keep records without a match in the shared store (key = timestamp, side,
 *   key; a list of values) and emit them joined with null once stream time is past their window end + grace,
 *   scanning value by value as Kafka does over its list-valued store; a match deletes the other record's
 *   pending entry. A null key on an outer side joins with null at once.
 *   Stream time is shared by both sides (one tracker per task).
 */
import type { Serde } from '../api/serde.ts';
import type { TimestampedValue } from '../api/stores.ts';
import type { JoinTimeTracker } from '../topology/join-params.ts';
import type { KeyValue } from '../api/records.ts';
import type { Factory, MaybePromise, Rec } from './types.ts';

interface JoinWindowStore {
  put(key: unknown, value: unknown, windowStart: number): void;
  fetchSync(key: unknown, from: number, to: number): Array<TimestampedValue<unknown>>;
}

interface SharedStore {
  get(key: Uint8Array): Uint8Array | undefined;
  put(key: Uint8Array, value: Uint8Array | null): void;
  delete(key: Uint8Array): Uint8Array | undefined;
  rangeSync(from: Uint8Array | null, to: Uint8Array | null): KeyValue<Uint8Array, Uint8Array>[] | undefined;
  all(): AsyncIterable<KeyValue<Uint8Array, Uint8Array>>;
}

export const joinWindow: Factory<'joinWindow'> = (node, ctx) => {
  let store!: JoinWindowStore;
  return {
    init() {
      store = ctx.task.getStore<JoinWindowStore>(node.params.storeName, node.name);
    },
    process(r): MaybePromise {
      const f = ctx.forward(r);
      const put = () => {
        if (r.key !== null && r.key !== undefined) store.put(r.key, r.value ?? null, r.timestamp);
      };
      if (f instanceof Promise) return f.then(put);
      put();
    },
  };
};

// ---- the shared store's layout: key = 8-byte timestamp, 1-byte side (left = 1), key bytes; value = list ----

function sharedKey(ts: number, left: boolean, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(9 + key.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, Math.floor(ts / 0x100000000));
  dv.setUint32(4, ts >>> 0);
  out[8] = left ? 1 : 0;
  out.set(key, 9);
  return out;
}

function parseSharedKey(k: Uint8Array): { ts: number; left: boolean } {
  const dv = new DataView(k.buffer, k.byteOffset, k.byteLength);
  return { ts: dv.getUint32(0) * 0x100000000 + dv.getUint32(4), left: k[8] === 1 };
}

function appendValue(list: Uint8Array | undefined, value: Uint8Array): Uint8Array {
  const prev = list ?? new Uint8Array(0);
  const out = new Uint8Array(prev.length + 4 + value.length);
  out.set(prev, 0);
  new DataView(out.buffer).setUint32(prev.length, value.length);
  out.set(value, prev.length + 4);
  return out;
}

function listValues(list: Uint8Array): Uint8Array[] {
  const dv = new DataView(list.buffer, list.byteOffset, list.byteLength);
  const out: Uint8Array[] = [];
  for (let i = 0; i < list.length; ) {
    const n = dv.getUint32(i);
    out.push(list.subarray(i + 4, i + 4 + n));
    i += 4 + n;
  }
  return out;
}

async function anyPending(store: SharedStore): Promise<boolean> {
  for await (const _ of store.all()) return true;
  return false;
}

/** Kafka's fresh TimeTracker.minTime (Long.MAX_VALUE): nothing pending since the last scan. */
const NONE = Number.MAX_SAFE_INTEGER;

export const streamStreamJoin: Factory<'streamStreamJoin'> = (node, ctx) => {
  const p = node.params;
  let other!: JoinWindowStore;
  let shared: SharedStore | null = null;
  let tracker!: JoinTimeTracker;
  let keySerde!: Serde<unknown>;
  let thisSerde!: Serde<unknown>;
  let leftSerde!: Serde<unknown>;
  let rightSerde!: Serde<unknown>;
  const topic = p.sharedStore ?? node.name;

  const forwardNonJoined = (r: Rec, key: Uint8Array, ts: number, left: boolean, v: Uint8Array): MaybePromise => {
    const value = (left ? leftSerde : rightSerde).deserialize(v, topic);
    // Entries of the other side hold the other side's value: the joiner is applied with this side's view.
    const joined = left === p.isLeftSide ? p.joiner(value, null) : p.joiner(null, value);
    return ctx.forward({ key: keySerde.deserialize(key.subarray(9), topic), value: joined, timestamp: ts, headers: r.headers });
  };

  const windowOpen = (ts: number, left: boolean) => ts + (left ? p.windowAfterMs : p.windowBeforeMs) + p.graceMs >= tracker.streamTime;

  /**
   * Kafka's emitNonJoinedOuterRecords: emits (and deletes) the pending non-joined records whose window has closed.
   * Kafka's shared store is a list-valued store whose iterator returns each value of a key as its own entry, so
   * one loop step here is one value: minTime becomes the timestamp of every value visited, the loop breaks at the
   * first value visited once both sides have met an open window (that value's timestamp stays the earliest
   * pending time), and a key is deleted once the scan moves past it (or at the end) after its values were emitted.
   */
  const emitNonJoined = (r: Rec): MaybePromise => {
    const store = shared!;
    if (tracker.minTime === NONE) {
      // Kafka's Long.MAX_VALUE + after + grace overflows (a scan) unless after + grace <= 0. With nothing put since
      // the last scan the store is empty and the scan a no-op, except on a restart (entries of the earlier run).
      if (!tracker.pending || p.joinAfterMs + p.graceMs <= 0) return;
    } else if (tracker.minTime + p.joinAfterMs + p.graceMs >= tracker.streamTime) return;
    tracker.pending = false;
    tracker.minTime = NONE;
    // Entries come in (timestamp, side, key) order: once both sides met an open window, nothing later can close.
    let leftOpen = false;
    let rightOpen = false;
    let prevKey: Uint8Array | null = null;
    const deletePrev = (key: Uint8Array) => {
      if (prevKey !== null && prevKey !== key) store.put(prevKey, null);
      prevKey = key;
    };
    const visit = (key: Uint8Array, ts: number, left: boolean, v: Uint8Array): MaybePromise | 'stop' => {
      tracker.minTime = ts;
      if (leftOpen && rightOpen) return 'stop';
      if (windowOpen(ts, left)) {
        if (left) leftOpen = true;
        else rightOpen = true;
        return;
      }
      const f = forwardNonJoined(r, key, ts, left, v);
      if (f instanceof Promise) return f.then(() => deletePrev(key));
      deletePrev(key);
    };
    const finish = () => {
      if (prevKey !== null) store.put(prevKey, null);
    };
    const rest = async (entries: Iterable<KeyValue<Uint8Array, Uint8Array>> | AsyncIterable<KeyValue<Uint8Array, Uint8Array>>, fromEntry: number, fromValue: number) => {
      let i = 0;
      for await (const e of entries) {
        if (i++ < fromEntry) continue;
        const { ts, left } = parseSharedKey(e.key);
        const values = listValues(e.value);
        for (let j = i - 1 === fromEntry ? fromValue : 0; j < values.length; j++) {
          const res = visit(e.key, ts, left, values[j]);
          if (res === 'stop') return finish();
          await res;
        }
      }
      finish();
    };
    const entries = store.rangeSync(null, null);
    if (entries === undefined) return rest(store.all(), 0, 0);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const { ts, left } = parseSharedKey(e.key);
      const values = listValues(e.value);
      for (let j = 0; j < values.length; j++) {
        const res = visit(e.key, ts, left, values[j]);
        if (res === 'stop') return finish();
        if (res instanceof Promise) return res.then(() => rest(entries, i, j + 1));
      }
    }
    finish();
  };

  const join = (r: Rec): MaybePromise => {
    const ts = r.timestamp;
    const from = Math.max(0, ts - p.joinBeforeMs);
    const to = Math.max(0, ts + p.joinAfterMs);
    const matches = other.fetchSync(r.key, from, to);
    const out: Rec[] = [];
    let keyBytes: Uint8Array | null = null;
    for (const m of matches) {
      if (shared) {
        keyBytes ??= keySerde.serialize(r.key, topic) ?? new Uint8Array(0);
        const otherKey = sharedKey(m.timestamp, !p.isLeftSide, keyBytes);
        if (shared.get(otherKey) !== undefined) shared.delete(otherKey);
      }
      out.push({ key: r.key, value: p.joiner(r.value, m.value), timestamp: Math.max(ts, m.timestamp), headers: r.headers });
    }
    if (p.outer && matches.length === 0) {
      if (!shared || to < tracker.streamTime) {
        out.push({ key: r.key, value: p.joiner(r.value, null), timestamp: ts, headers: r.headers });
      } else {
        tracker.minTime = Math.min(tracker.minTime, ts);
        keyBytes ??= keySerde.serialize(r.key, topic) ?? new Uint8Array(0);
        const k = sharedKey(ts, p.isLeftSide, keyBytes);
        shared.put(k, appendValue(shared.get(k), thisSerde.serialize(r.value, topic) ?? new Uint8Array(0)));
      }
    }
    return forwardEach(out, 0);
  };

  const forwardEach = (recs: Rec[], i: number): MaybePromise => {
    for (; i < recs.length; i++) {
      const f = ctx.forward(recs[i]);
      if (f instanceof Promise) {
        const next = i + 1;
        return f.then(() => forwardEach(recs, next));
      }
    }
  };

  return {
    init() {
      other = ctx.task.getStore<JoinWindowStore>(p.otherStore, node.name);
      if (p.sharedStore !== null) shared = ctx.task.getStore<SharedStore>(p.sharedStore, node.name);
      const id = ctx.task.taskId;
      let t = p.trackers.get(id);
      if (!t) p.trackers.set(id, (t = { streamTime: -1, minTime: NONE }));
      tracker = t;
      const cfg = ctx.task.config;
      keySerde = p.keySerde ?? cfg.defaultKeySerde;
      leftSerde = p.leftValueSerde ?? cfg.defaultValueSerde;
      rightSerde = p.rightValueSerde ?? cfg.defaultValueSerde;
      thisSerde = p.isLeftSide ? leftSerde : rightSerde;
    },
    process(r): MaybePromise {
      if (shared && !tracker.restored) {
        // A restarted task may find non-joined records of the earlier run in the shared store. Kafka's fresh tracker
        // (minTime = Long.MAX_VALUE) scans for them at the first record at stream time (the overflow in its check);
        // `pending` tells emitNonJoined so. An empty store (a fresh task) needs no scan.
        tracker.restored = true;
        const entries = shared.rangeSync(null, null);
        if (entries === undefined) return anyPending(shared).then((any) => processRecord(r, any));
        return processRecord(r, entries.length > 0);
      }
      return processRecord(r, false);
    },
    close() {
      p.trackers.delete(ctx.task.taskId);
    },
  };

  function processRecord(r: Rec, restoredEntries: boolean): MaybePromise {
    if (restoredEntries) tracker.pending = true;
    tracker.streamTime = Math.max(tracker.streamTime, r.timestamp);
    const nullValue = r.value === null || r.value === undefined;
    if (r.key === null || r.key === undefined) {
      if (p.outer && !nullValue) return ctx.forward({ key: r.key, value: p.joiner(r.value, null), timestamp: r.timestamp, headers: r.headers });
      ctx.task.dropped({ reason: 'null-key', operator: node.name, timestamp: r.timestamp });
      return;
    }
    if (nullValue) {
      ctx.task.dropped({ reason: 'null-value', operator: node.name, timestamp: r.timestamp });
      return;
    }
    if (shared && r.timestamp === tracker.streamTime) {
      const e = emitNonJoined(r);
      if (e instanceof Promise) return e.then(() => join(r));
    }
    return join(r);
  }
};
