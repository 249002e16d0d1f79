/**
 * KTable-KTable joins (Kafka's KTableKTableInnerJoin / LeftJoin / RightJoin / OuterJoin and
 * KTableKTableJoinMerger): each side's change is joined with the other side's current value (value getter);
 * the result timestamp is the max of both sides; old results are computed only when downstream needs them.
 * The merge forwards as is, or materializes (old value from its store, cached forwarding on flush).
 */
import type { Factory, MaybePromise } from './types.ts';
import { buildValueGetter, type ValueGetter } from './value-getter.ts';
import { tupleForwarder, type TsKvStore, type TupleForwarder } from './table-store.ts';

const isNull = (v: unknown) => v === null || v === undefined;

export const ktableJoin: Factory<'ktableJoin'> = (node, ctx) => {
  const { getter: spec, joiner, mode } = node.params;
  let getter!: ValueGetter;
  return {
    init() {
      getter = buildValueGetter(spec, ctx, node.name);
    },
    process(r): MaybePromise {
      if (isNull(r.key)) {
        ctx.task.dropped({ reason: 'null-key', operator: node.name, timestamp: r.timestamp });
        return;
      }
      const other = getter(r.key);
      const ov = other === null ? null : other.value;
      const nv = isNull(r.value) ? null : r.value;
      const old = isNull(r.oldValue) ? null : r.oldValue;
      const sendOld = ctx.sendOldValues;
      let value: unknown = null;
      let oldValue: unknown = null;
      let ts: number;
      switch (mode) {
        case 'inner':
          if (other === null) return;
          ts = Math.max(r.timestamp, other.timestamp);
          if (nv !== null) value = joiner(nv, ov);
          if (sendOld && old !== null) oldValue = joiner(old, ov);
          break;
        case 'left':
          if (other === null && nv === null && old === null) return;
          ts = other === null ? r.timestamp : Math.max(r.timestamp, other.timestamp);
          if (nv !== null) value = joiner(nv, ov);
          if (sendOld && old !== null) oldValue = joiner(old, ov);
          break;
        case 'right':
          // The right side of a left join: a result exists only while the left row exists.
          if (other === null) return;
          ts = Math.max(r.timestamp, other.timestamp);
          value = joiner(nv, ov);
          if (sendOld) oldValue = joiner(old, ov);
          break;
        case 'outer':
          if (other === null && nv === null && old === null) return;
          ts = other === null ? r.timestamp : Math.max(r.timestamp, other.timestamp);
          if (other !== null || nv !== null) value = joiner(nv, ov);
          if (sendOld && (other !== null || old !== null)) oldValue = joiner(old, ov);
          break;
      }
      return ctx.forward({ key: r.key, value, oldValue, timestamp: ts, headers: r.headers });
    },
  };
};

export const ktableJoinMerge: Factory<'ktableJoinMerge'> = (node, ctx) => {
  const { storeName } = node.params;
  let store: TsKvStore | null = null;
  let fwd: TupleForwarder | null = null;
  return {
    init() {
      if (storeName === null) return;
      store = ctx.task.getStore<TsKvStore>(storeName, node.name);
      fwd = tupleForwarder(store, ctx);
    },
    process(r): MaybePromise {
      if (store === null) return ctx.forward(r);
      const nv = isNull(r.value) ? null : r.value;
      store.put(r.key, nv === null ? null : { value: nv, timestamp: r.timestamp });
      return fwd!.maybeForward(r.key, nv, isNull(r.oldValue) ? null : r.oldValue, r.timestamp, r.headers);
    },
  };
};

/** A pass-through of KTable changes (cogroup's merge). */
export const ktableMerge: Factory<'ktableMerge'> = (_node, ctx) => ({ process: (r) => ctx.forward(r) });
