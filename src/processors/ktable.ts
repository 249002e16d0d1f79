/** KTable processors: source, filter, mapValues, toStream (Kafka's KTableSource/KTableFilter/KTableMapValues). */
import type { Factory, MaybePromise, NodeContext, Rec } from './types.ts';
import { tupleForwarder, valueOrNull, type TsKvStore, type TupleForwarder } from './table-store.ts';

function materialized(ctx: NodeContext, storeName: string | null, by: string): { store: TsKvStore; fwd: TupleForwarder } | null {
  if (storeName === null) return null;
  const store = ctx.task.getStore<TsKvStore>(storeName, by);
  return { store, fwd: tupleForwarder(store, ctx) };
}

export const ktableSource: Factory<'ktableSource'> = (node, ctx) => {
  let m: ReturnType<typeof materialized> = null;
  return {
    init() {
      m = materialized(ctx, node.params.storeName, node.name);
    },
    process(r): MaybePromise {
      if (r.key === null || r.key === undefined) {
        ctx.task.dropped({ reason: 'null-key', operator: node.name, timestamp: r.timestamp });
        return;
      }
      if (m === null) return ctx.forward({ key: r.key, value: r.value, oldValue: null, timestamp: r.timestamp, headers: r.headers });
      const old = m.store.get(r.key);
      if (old && r.timestamp < old.timestamp) {
        ctx.task.warn(`${node.name}: out-of-order KTable update for key ${JSON.stringify(r.key)}: timestamp ${r.timestamp} < stored ${old.timestamp}.`);
      }
      // Kafka 4.4's KTableSource forwards repeated values too (no emit-on-change for timestamped stores).
      m.store.put(r.key, r.value === null ? null : { value: r.value, timestamp: r.timestamp });
      return m.fwd.maybeForward(r.key, r.value, valueOrNull(old), r.timestamp, r.headers);
    },
  };
};

function tableTransform(compute: (key: unknown, value: unknown) => unknown, storeName: string | null, name: string, ctx: NodeContext, dropBothNull: boolean) {
  let m: ReturnType<typeof materialized> = null;
  return {
    init() {
      m = materialized(ctx, storeName, name);
    },
    process(r: Rec): MaybePromise {
      const nv = r.value === null || r.value === undefined ? null : compute(r.key, r.value);
      if (m === null) {
        const ov = ctx.sendOldValues && r.oldValue !== null && r.oldValue !== undefined ? compute(r.key, r.oldValue) : null;
        if (dropBothNull && ctx.sendOldValues && nv === null && ov === null) return;
        return ctx.forward({ key: r.key, value: nv, oldValue: ov, timestamp: r.timestamp, headers: r.headers });
      }
      // Materialized (Kafka's queryable KTableFilter / KTableMapValues): the old value is read from the own store,
      // since the parent need not send old values at all.
      const old = valueOrNull(m.store.get(r.key));
      if (dropBothNull && ctx.sendOldValues && nv === null && old === null) return;
      m.store.put(r.key, nv === null ? null : { value: nv, timestamp: r.timestamp });
      return m.fwd.maybeForward(r.key, nv, ctx.sendOldValues ? old : null, r.timestamp, r.headers);
    },
  };
}

export const ktableFilter: Factory<'ktableFilter'> = (node, ctx) => {
  const { predicate, not, storeName } = node.params;
  return tableTransform((k, v) => (predicate(k, v) !== not ? v : null), storeName, node.name, ctx, true);
};

export const ktableMapValues: Factory<'ktableMapValues'> = (node, ctx) => {
  const { mapper, storeName } = node.params;
  return tableTransform((k, v) => mapper(v, k), storeName, node.name, ctx, false);
};

export const ktableToStream: Factory<'ktableToStream'> = (node, ctx) => {
  const { keyMapper } = node.params;
  return {
    process: (r) => ctx.forward({ key: keyMapper ? keyMapper(r.key, r.value) : r.key, value: r.value, timestamp: r.timestamp, headers: r.headers }),
  };
};
