/** KGroupedTable<K, V>: count, reduce and aggregate with adder and subtractor (Kafka's KGroupedTable). */
import type { Materialized } from './options.ts';
import type { GroupedState } from './ops/aggregate.ts';
import { aggregate, countSerde } from './ops/aggregate.ts';
import { checkFn } from './internal.ts';
import { KTableImpl, type KTable } from './ktable.ts';

export interface KGroupedTable<K, V> {
  count(materialized?: Materialized<K, number>): KTable<K, number>;
  reduce(adder: (aggValue: V, value: V) => V, subtractor: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<K, V>;
  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, agg: VA) => VA,
    subtractor: (key: K, value: V, agg: VA) => VA,
    materialized?: Materialized<K, VA>,
  ): KTable<K, VA>;
}

type M = Materialized<unknown, unknown> | undefined;
type F3 = (k: unknown, v: unknown, a: unknown) => unknown;
type F2 = (a: unknown, b: unknown) => unknown;

export class KGroupedTableImpl<K, V> implements KGroupedTable<K, V> {
  /** @internal the DSL handle's graph state. */
  readonly state: GroupedState;

  /** @internal */
  constructor(state: GroupedState) {
    this.state = state;
  }

  count(materialized?: Materialized<K, number>): KTable<K, number> {
    return new KTableImpl<K, number>(aggregate(this.state, 'ktableAggregate', 'KTABLE-AGGREGATE-', materialized as M, (storeName) => ({
      storeName, initializer: () => 0,
      adder: (_k, _v, agg) => (agg as number) + 1,
      subtractor: (_k, _v, agg) => (agg as number) - 1,
    }), countSerde()));
  }
  reduce(adder: (aggValue: V, value: V) => V, subtractor: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<K, V> {
    checkFn(adder, 'reduce adder');
    checkFn(subtractor, 'reduce subtractor');
    return new KTableImpl<K, V>(aggregate(this.state, 'ktableReduce', 'KTABLE-REDUCE-', materialized as M, (storeName) => ({
      storeName, adder: adder as F2, subtractor: subtractor as F2,
    }), this.state.valueSerde));
  }
  aggregate<VA>(initializer: () => VA, adder: (key: K, value: V, agg: VA) => VA, subtractor: (key: K, value: V, agg: VA) => VA, materialized?: Materialized<K, VA>): KTable<K, VA> {
    checkFn(initializer, 'aggregate initializer');
    checkFn(adder, 'aggregate adder');
    checkFn(subtractor, 'aggregate subtractor');
    return new KTableImpl<K, VA>(aggregate(this.state, 'ktableAggregate', 'KTABLE-AGGREGATE-', materialized as M, (storeName) => ({
      storeName, initializer, adder: adder as F3, subtractor: subtractor as F3,
    }), undefined));
  }
}
