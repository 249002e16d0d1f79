/** TimeWindowedKStream<K, V>: a grouped stream windowed by TimeWindows or SlidingWindows (Kafka's TimeWindowedKStream). */
import type { Windowed } from '../api/records.ts';
import type { EmitStrategy } from '../windowing/emit-strategy.ts';
import type { Materialized } from './options.ts';
import { checkFn } from './internal.ts';
import { KTableImpl, type KTable } from './ktable.ts';
import { countSerde } from './ops/aggregate.ts';
import { windowedAggregate, type WindowedGroupedState } from './ops/windowed.ts';

export interface TimeWindowedKStream<K, V> {
  /** Counts records per key and window. */
  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number>;
  reduce(reducer: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<Windowed<K>, V>;
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, agg: VA) => VA, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA>;
  /** onWindowUpdate() (default): every update is forwarded; onWindowClose(): one final result per window once it closes. */
  emitStrategy(strategy: EmitStrategy): TimeWindowedKStream<K, V>;
}

type M = Materialized<unknown, unknown> | undefined;
type Agg = (k: unknown, v: unknown, a: unknown) => unknown;

export const countFns = { initializer: () => 0, aggregator: (_k: unknown, _v: unknown, agg: unknown) => (agg as number) + 1 };
/** Kafka's reduce: a null initial aggregate, then the reducer. */
export const reduceFns = (reducer: (a: unknown, v: unknown) => unknown) => ({
  initializer: () => null,
  aggregator: (_k: unknown, v: unknown, agg: unknown) => (agg === null || agg === undefined ? v : reducer(agg, v)),
});

export class TimeWindowedKStreamImpl<K, V> implements TimeWindowedKStream<K, V> {
  /** @internal the DSL handle's graph state. */
  readonly state: WindowedGroupedState;

  /** @internal */
  constructor(state: WindowedGroupedState) {
    this.state = state;
  }

  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    // Kafka's TimeWindowedKStreamImpl.count(Materialized) burns a store name for compatibility; the sliding one does not.
    const burn = materialized !== undefined && this.state.windows.kind !== 'sliding';
    return new KTableImpl(windowedAggregate(this.state, 'KSTREAM-AGGREGATE-', materialized as M, burn, countFns, countSerde()));
  }
  reduce(reducer: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    checkFn(reducer, 'reduce reducer');
    const fns = reduceFns(reducer as (a: unknown, v: unknown) => unknown);
    return new KTableImpl(windowedAggregate(this.state, 'KSTREAM-REDUCE-', materialized as M, false, fns, this.state.valueSerde));
  }
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, agg: VA) => VA, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    checkFn(initializer, 'aggregate initializer');
    checkFn(aggregator, 'aggregate aggregator');
    return new KTableImpl(windowedAggregate(this.state, 'KSTREAM-AGGREGATE-', materialized as M, false, { initializer, aggregator: aggregator as Agg }, undefined));
  }
  emitStrategy(strategy: EmitStrategy): TimeWindowedKStream<K, V> {
    checkStrategy(strategy);
    return new TimeWindowedKStreamImpl<K, V>({ ...this.state, emitStrategy: strategy });
  }
}

export function checkStrategy(strategy: EmitStrategy): void {
  if (strategy?.type !== 'ON_WINDOW_UPDATE' && strategy?.type !== 'ON_WINDOW_CLOSE') {
    throw new TypeError('emitStrategy needs EmitStrategy.onWindowUpdate() or EmitStrategy.onWindowClose().');
  }
}
