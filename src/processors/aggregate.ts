/**
 * Aggregations: KStream aggregate/reduce (count is an aggregate) and KTable aggregate/reduce with adder and
 * subtractor, with Kafka's timestamp rule (the result's timestamp is the max of the input's and the old aggregate's).
 */
import type { Factory, NodeContext, Rec, MaybePromise } from './types.ts';
import { tupleForwarder, valueOrNull, type TsKvStore, type TupleForwarder } from './table-store.ts';

function open(ctx: NodeContext, storeName: string, by: string): { store: TsKvStore; fwd: TupleForwarder } {
  const store = ctx.task.getStore<TsKvStore>(storeName, by);
  return { store, fwd: tupleForwarder(store, ctx) };
}

/**
 * Kafka's KStreamAggregate / KStreamReduce: a new key starts from the initializer (aggregate) or the value
 * (reduce, initializer null). The old value sent downstream is the aggregate the record was added to: for a new
 * key of an aggregate that is the initializer's value (Kafka forwards Change(newAgg, initializer())), for reduce null.
 */
function streamAgg(
  name: string, storeName: string, ctx: NodeContext,
  initializer: (() => unknown) | null,
  step: (key: unknown, value: unknown, agg: unknown) => unknown,
) {
  let s!: { store: TsKvStore; fwd: TupleForwarder };
  return {
    init() {
      s = open(ctx, storeName, name);
    },
    process(r: Rec): MaybePromise {
      if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) {
        ctx.task.dropped({ reason: r.key == null ? 'null-key' : 'null-value', operator: name, timestamp: r.timestamp });
        return;
      }
      const old = s.store.get(r.key);
      const hasOld = old !== undefined && old !== null && old.value !== null && old.value !== undefined;
      const oldAgg = hasOld ? old.value : initializer === null ? null : initializer();
      const newAgg = hasOld || initializer !== null ? step(r.key, r.value, oldAgg) : r.value;
      const ts = hasOld ? Math.max(r.timestamp, old.timestamp) : r.timestamp;
      s.store.put(r.key, { value: newAgg, timestamp: ts });
      return s.fwd.maybeForward(r.key, newAgg, oldAgg, ts, r.headers);
    },
  };
}

export const streamAggregate: Factory<'streamAggregate'> = (node, ctx) => {
  const { initializer, aggregator, storeName } = node.params;
  return streamAgg(node.name, storeName, ctx, initializer, aggregator);
};

export const streamReduce: Factory<'streamReduce'> = (node, ctx) => {
  const { reducer, storeName } = node.params;
  return streamAgg(node.name, storeName, ctx, null, (_k, v, agg) => reducer(agg, v));
};

function tableAgg(
  name: string, storeName: string, ctx: NodeContext,
  remove: (key: unknown, value: unknown, agg: unknown) => unknown,
  add: (key: unknown, value: unknown, agg: unknown | null) => unknown,
) {
  let s!: { store: TsKvStore; fwd: TupleForwarder };
  return {
    init() {
      s = open(ctx, storeName, name);
    },
    process(r: Rec): MaybePromise {
      if (r.key === null || r.key === undefined) {
        throw new Error(`${name}: record key for a KTable aggregate (store ${storeName}) must not be null.`);
      }
      const old = s.store.get(r.key);
      const oldAgg = valueOrNull(old);
      let ts = r.timestamp;
      let agg: unknown = oldAgg;
      if (r.oldValue !== null && r.oldValue !== undefined && oldAgg !== null) {
        agg = remove(r.key, r.oldValue, oldAgg);
        ts = Math.max(r.timestamp, old!.timestamp);
      }
      if (r.value !== null && r.value !== undefined) {
        agg = add(r.key, r.value, agg);
        if (old) ts = Math.max(r.timestamp, old.timestamp);
      }
      s.store.put(r.key, agg === null || agg === undefined ? null : { value: agg, timestamp: ts });
      return s.fwd.maybeForward(r.key, agg ?? null, oldAgg, ts, r.headers);
    },
  };
}

export const ktableAggregate: Factory<'ktableAggregate'> = (node, ctx) => {
  const { initializer, adder, subtractor, storeName } = node.params;
  return tableAgg(node.name, storeName, ctx, subtractor, (k, v, agg) => adder(k, v, agg === null ? initializer() : agg));
};

export const ktableReduce: Factory<'ktableReduce'> = (node, ctx) => {
  const { adder, subtractor, storeName } = node.params;
  return tableAgg(node.name, storeName, ctx, (_k, v, agg) => subtractor(agg, v), (_k, v, agg) => (agg === null ? v : adder(agg, v)));
};

/** KTable.groupBy: the subtracted old pair first, then the added new pair; one record when the key stays (KIP-904). */
export const ktableRepartitionMap: Factory<'ktableRepartitionMap'> = (node, ctx) => {
  const { selector } = node.params;
  return {
    process(r): MaybePromise {
      if (r.key === null || r.key === undefined) {
        ctx.task.dropped({ reason: 'null-key', operator: node.name, timestamp: r.timestamp });
        return;
      }
      const np = r.value === null || r.value === undefined ? null : selector(r.key, r.value);
      const op = r.oldValue === null || r.oldValue === undefined ? null : selector(r.key, r.oldValue);
      const newOk = np !== null && np.key != null && np.value != null;
      if (np !== null && np.key == null) ctx.task.dropped({ reason: 'null-key', operator: node.name, timestamp: r.timestamp });
      const oldOk = op !== null && op.key != null && op.value != null;
      if (newOk && oldOk && sameKey(op.key, np.key)) {
        return ctx.forward({ key: np.key, value: np.value, oldValue: op.value, timestamp: r.timestamp, headers: r.headers });
      }
      const out: Rec[] = [];
      if (oldOk) out.push({ key: op.key, value: null, oldValue: op.value, timestamp: r.timestamp, headers: r.headers });
      if (newOk) out.push({ key: np.key, value: np.value, oldValue: null, timestamp: r.timestamp, headers: r.headers });
      if (out.length === 0) return;
      if (out.length === 1) return ctx.forward(out[0]);
      const first = ctx.forward(out[0]);
      return first instanceof Promise ? first.then(() => ctx.forward(out[1])) : ctx.forward(out[1]);
    },
  };
};

function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
