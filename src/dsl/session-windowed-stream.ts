/** SessionWindowedKStream<K, V>: a grouped stream windowed by SessionWindows (Kafka's SessionWindowedKStream). */
import type { Windowed } from '../api/records.ts';
import type { EmitStrategy } from '../windowing/emit-strategy.ts';
import type { Materialized } from './options.ts';
import { checkFn } from './internal.ts';
import { KTableImpl, type KTable } from './ktable.ts';
import { countSerde } from './ops/aggregate.ts';
import { windowedAggregate, type WindowedGroupedState } from './ops/windowed.ts';
import { checkStrategy, countFns, reduceFns } from './windowed-stream.ts';

export interface SessionWindowedKStream<K, V> {
  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number>;
  reduce(reducer: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<Windowed<K>, V>;
  /** `merger(key, agg1, agg2)` combines two sessions that a record joins into one. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, agg: VA) => VA,
    merger: (key: K, agg1: VA, agg2: VA) => VA,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA>;
  emitStrategy(strategy: EmitStrategy): SessionWindowedKStream<K, V>;
}

type M = Materialized<unknown, unknown> | undefined;
type F3 = (a: unknown, b: unknown, c: unknown) => unknown;

export class SessionWindowedKStreamImpl<K, V> implements SessionWindowedKStream<K, V> {
  /** @internal the DSL handle's graph state. */
  readonly state: WindowedGroupedState;

  /** @internal */
  constructor(state: WindowedGroupedState) {
    this.state = state;
  }

  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const fns = { ...countFns, merger: (_k: unknown, a: unknown, b: unknown) => (a as number) + (b as number) };
    return new KTableImpl(windowedAggregate(this.state, 'KSTREAM-AGGREGATE-', materialized as M, materialized !== undefined, fns, countSerde()));
  }
  reduce(reducer: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    checkFn(reducer, 'reduce reducer');
    const r = reduceFns(reducer as (a: unknown, v: unknown) => unknown);
    // Kafka's merger for a reducer: the aggregator applied to (key, agg2, agg1).
    const fns = { ...r, merger: (k: unknown, a: unknown, b: unknown) => r.aggregator(k, b, a) };
    return new KTableImpl(windowedAggregate(this.state, 'KSTREAM-REDUCE-', materialized as M, false, fns, this.state.valueSerde));
  }
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, agg: VA) => VA,
    merger: (key: K, agg1: VA, agg2: VA) => VA,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    checkFn(initializer, 'aggregate initializer');
    checkFn(aggregator, 'aggregate aggregator');
    checkFn(merger, 'session aggregate merger');
    const fns = { initializer, aggregator: aggregator as F3, merger: merger as F3 };
    return new KTableImpl(windowedAggregate(this.state, 'KSTREAM-AGGREGATE-', materialized as M, false, fns, undefined));
  }
  emitStrategy(strategy: EmitStrategy): SessionWindowedKStream<K, V> {
    checkStrategy(strategy);
    return new SessionWindowedKStreamImpl<K, V>({ ...this.state, emitStrategy: strategy });
  }
}
