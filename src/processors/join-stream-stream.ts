/**
 * Stream-stream joins (Kafka's KStreamJoinWindow + KStreamKStreamJoin, 4.x semantics):
 * - joinWindow (KSTREAM-WINDOWED): forwards the record, then puts it in its side's window store (retain
 *   duplicates, retention before + after + grace). Late records are not dropped by stream time; the store's
 *   retention decides what the other side still finds.
 * - streamStreamJoin: each record joins every other-side record in [ts - before, ts + after], output timestamp
 *   = max of both. Left/outer sides keep records without a match in the shared store (key = timestamp, side,
 *   key; a list of values) and emit them joined with null once stream time is past their window end + grace;
 *   a match deletes the other record's pending entry. A null key on an outer side joins with null at once.
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

function parseSharedKey(k: Uint8Array): { ts: number; left: boolean; key: Uint8Array } {
  const dv = new DataView(k.buffer, k.byteOffset, k.byteLength);
  return { ts: dv.getUint32(0) * 0x100000000 + dv.getUint32(4), left: k[8] === 1, key: k.subarray(9) };
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

async function visitAsync<E>(rest: E[], first: Promise<void>, visit: (e: E) => MaybePromise | 'stop'): Promise<void> {
  await first;
  for (const e of rest) {
    const res = visit(e);
    if (res === 'stop') return;
    await res;
  }
}

async function firstPending(store: SharedStore): Promise<number | undefined> {
  for await (const e of store.all()) return parseSharedKey(e.key).ts;
  return undefined;
}

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

  const forwardNonJoined = (r: Rec, k: Uint8Array, v: Uint8Array): MaybePromise => {
    const { ts, left, key } = parseSharedKey(k);
    const value = (left ? leftSerde : rightSerde).deserialize(v, topic);
    // Entries of the other side hold the other side's value: the joiner is applied with this side's view.
    const joined = left === p.isLeftSide ? p.joiner(value, null) : p.joiner(null, value);
    return ctx.forward({ key: keySerde.deserialize(key, topic), value: joined, timestamp: ts, headers: r.headers });
  };

  const windowOpen = (ts: number, left: boolean) => ts + (left ? p.windowAfterMs : p.windowBeforeMs) + p.graceMs >= tracker.streamTime;

  /** Emits (and deletes) every pending non-joined record whose window has closed. */
  const emitNonJoined = (r: Rec): MaybePromise => {
    const store = shared!;
    if (tracker.minTime + p.joinAfterMs + p.graceMs >= tracker.streamTime) return;
    tracker.minTime = Number.MAX_SAFE_INTEGER;
    // Entries come in (timestamp, side, key) order: once both sides met an open window, nothing later can close.
    let leftOpen = false;
    let rightOpen = false;
    const visit = (e: KeyValue<Uint8Array, Uint8Array>): MaybePromise | 'stop' => {
      const { ts, left } = parseSharedKey(e.key);
      tracker.minTime = ts;
      if (leftOpen && rightOpen) return 'stop';
      if (windowOpen(ts, left)) {
        if (left) leftOpen = true;
        else rightOpen = true;
        return;
      }
      const values = listValues(e.value);
      store.put(e.key, null);
      let chain: Promise<void> | null = null;
      for (const v of values) {
        if (chain !== null) chain = chain.then(() => forwardNonJoined(r, e.key, v));
        else {
          const f = forwardNonJoined(r, e.key, v);
          if (f instanceof Promise) chain = f;
        }
      }
      return chain ?? undefined;
    };
    const entries = store.rangeSync(null, null);
    if (entries !== undefined) {
      for (let i = 0; i < entries.length; i++) {
        const res = visit(entries[i]);
        if (res === 'stop') return;
        if (res instanceof Promise) return visitAsync(entries.slice(i + 1), res, visit);
      }
      return;
    }
    return (async () => {
      for await (const e of store.all()) {
        const res = visit(e);
        if (res === 'stop') return;
        await res;
      }
    })();
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
      if (!t) p.trackers.set(id, (t = { streamTime: -1, minTime: Number.MAX_SAFE_INTEGER }));
      tracker = t;
      const cfg = ctx.task.config;
      keySerde = p.keySerde ?? cfg.defaultKeySerde;
      leftSerde = p.leftValueSerde ?? cfg.defaultValueSerde;
      rightSerde = p.rightValueSerde ?? cfg.defaultValueSerde;
      thisSerde = p.isLeftSide ? leftSerde : rightSerde;
    },
    process(r): MaybePromise {
      if (shared && !tracker.restored) {
        // A restarted task finds non-joined records of the earlier run in the shared store: minTime must cover
        // them, or (with a fresh tracker's minTime = MAX) they would wait for the next non-joined record to be
        // emitted. An empty store (a fresh task) leaves minTime as Kafka's fresh tracker has it.
        tracker.restored = true;
        const entries = shared.rangeSync(null, null);
        if (entries === undefined) return firstPending(shared).then((ts) => processRecord(r, ts));
        return processRecord(r, entries.length ? parseSharedKey(entries[0].key).ts : undefined);
      }
      return processRecord(r, undefined);
    },
    close() {
      p.trackers.delete(ctx.task.taskId);
    },
  };

  function processRecord(r: Rec, pendingFrom: number | undefined): MaybePromise {
    if (pendingFrom !== undefined) tracker.minTime = Math.min(tracker.minTime, pendingFrom);
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
