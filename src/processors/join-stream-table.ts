/**
 * KStream-KTable and KStream-GlobalKTable joins (Kafka's KStreamKTableJoinProcessor): only stream records
 * trigger; the table's current value is read through its value getter. A null stream value is dropped; a
 * null lookup key (null record key, or a key selector returning null) joins with null in a left join and is
 * dropped by an inner join. The result keeps the stream record's key and timestamp.
 */
import type { Factory, MaybePromise } from './types.ts';
import { buildValueGetter, type ValueGetter } from './value-getter.ts';

export const streamTableJoin: Factory<'streamTableJoin'> = (node, ctx) => {
  const { getter: spec, joiner, left, keyMapper } = node.params;
  let getter!: ValueGetter;
  return {
    init() {
      getter = buildValueGetter(spec, ctx, node.name);
    },
    process(r): MaybePromise {
      if (r.value === null || r.value === undefined) {
        ctx.task.dropped({ reason: 'null-value', operator: node.name, timestamp: r.timestamp });
        return;
      }
      const lookup = keyMapper === null ? r.key : keyMapper(r.key, r.value);
      if (lookup === null || lookup === undefined) {
        if (!left) {
          ctx.task.dropped({ reason: keyMapper === null ? 'null-key' : 'null-foreign-key', operator: node.name, timestamp: r.timestamp });
          return;
        }
        return ctx.forward({ key: r.key, value: joiner(r.value, null), timestamp: r.timestamp, headers: r.headers });
      }
      const other = getter(lookup);
      if (other === null && !left) return;
      return ctx.forward({ key: r.key, value: joiner(r.value, other === null ? null : other.value), timestamp: r.timestamp, headers: r.headers });
    },
  };
};
