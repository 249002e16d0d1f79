/** KGroupedStream<K, V>: count, reduce, aggregate (windowedBy and cogroup come with windowing and joins). */
import type { Materialized } from './options.ts';
import type { GroupedState } from './ops/aggregate.ts';
import { aggregate, countSerde } from './ops/aggregate.ts';
import { checkFn } from './internal.ts';
import { KTableImpl, type KTable } from './ktable.ts';
import { CogroupedKStreamImpl, type CogroupedKStream } from './cogrouped-stream.ts';
import type { SessionWindows, SlidingWindows, TimeWindows } from '../windowing/index.ts';
import { EmitStrategy } from '../windowing/emit-strategy.ts';
import { TimeWindowedKStreamImpl, type TimeWindowedKStream } from './windowed-stream.ts';
import { SessionWindowedKStreamImpl, type SessionWindowedKStream } from './session-windowed-stream.ts';

export interface KGroupedStream<K, V> {
  /** Counts records per key (null keys and values are dropped, as in Kafka). */
  count(materialized?: Materialized<K, number>): KTable<K, number>;
  reduce(reducer: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<K, V>;
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, agg: VA) => VA, materialized?: Materialized<K, VA>): KTable<K, VA>;
  /** Starts a cogroup: this stream's aggregator; add more grouped streams with `.cogroup(g, aggregator)`, then `aggregate`. */
  cogroup<VOut>(aggregator: (key: K, value: V, agg: VOut) => VOut): CogroupedKStream<K, VOut>;
  /** Windowed aggregations: time (tumbling, hopping) and sliding windows, or sessions. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
}

type M = Materialized<unknown, unknown> | undefined;

export class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {
  /** @internal the DSL handle's graph state. */
  readonly state: GroupedState;

  /** @internal */
  constructor(state: GroupedState) {
    this.state = state;
  }

  cogroup<VOut>(aggregator: (key: K, value: V, agg: VOut) => VOut): CogroupedKStream<K, VOut> {
    checkFn(aggregator, 'cogroup aggregator');
    return new CogroupedKStreamImpl<K, VOut>([{ group: this.state, aggregator: aggregator as (k: unknown, v: unknown, a: unknown) => unknown }]);
  }

  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    const kind = (windows as { kind?: string } | null)?.kind;
    if (kind !== 'time' && kind !== 'sliding' && kind !== 'session') {
      throw new TypeError('windowedBy needs TimeWindows.of(...), SlidingWindows.of(...) or SessionWindows.of(...).');
    }
    const state = { ...this.state, windows, emitStrategy: EmitStrategy.onWindowUpdate() };
    return kind === 'session' ? new SessionWindowedKStreamImpl<K, V>(state) : new TimeWindowedKStreamImpl<K, V>(state);
  }

  count(materialized?: Materialized<K, number>): KTable<K, number> {
    const s = aggregate(this.state, 'streamAggregate', 'KSTREAM-AGGREGATE-', materialized as M, (storeName) => ({
      storeName, initializer: () => 0, aggregator: (_k, _v, agg) => (agg as number) + 1,
    }), countSerde());
    return new KTableImpl<K, number>(s);
  }
  reduce(reducer: (aggValue: V, value: V) => V, materialized?: Materialized<K, V>): KTable<K, V> {
    checkFn(reducer, 'reduce reducer');
    const s = aggregate(this.state, 'streamReduce', 'KSTREAM-REDUCE-', materialized as M, (storeName) => ({
      storeName, reducer: reducer as (a: unknown, b: unknown) => unknown,
    }), this.state.valueSerde);
    return new KTableImpl<K, V>(s);
  }
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, agg: VA) => VA, materialized?: Materialized<K, VA>): KTable<K, VA> {
    checkFn(initializer, 'aggregate initializer');
    checkFn(aggregator, 'aggregate aggregator');
    const s = aggregate(this.state, 'streamAggregate', 'KSTREAM-AGGREGATE-', materialized as M, (storeName) => ({
      storeName, initializer, aggregator: aggregator as (k: unknown, v: unknown, a: unknown) => unknown,
    }), undefined);
    return new KTableImpl<K, VA>(s);
  }
}
