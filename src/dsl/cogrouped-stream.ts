/** CogroupedKStream<K, VOut>: several grouped streams aggregated into one store (Kafka's CogroupedKStream). */
import type { Materialized } from './options.ts';
import type { GroupedState } from './ops/aggregate.ts';
import type { SessionWindows, SlidingWindows, TimeWindows } from '../windowing/index.ts';
import type { KTable } from './ktable.ts';
import type { Windowed } from '../api/records.ts';
import type { KGroupedStream } from './grouped-stream.ts';
import { KTableImpl } from './ktable.ts';
import { checkFn } from './internal.ts';
import { cogroupAggregate, type Aggregator, type CogroupPattern, type CogroupWindows } from './ops/cogroup.ts';

type M = Materialized<unknown, unknown> | undefined;

export interface CogroupedKStream<K, VOut> {
  /** Adds another grouped stream with its own aggregator (same key type, any value type). */
  cogroup<V>(grouped: KGroupedStream<K, V>, aggregator: (key: K, value: V, agg: VOut) => VOut): CogroupedKStream<K, VOut>;
  /** Aggregates all cogrouped streams into one table. */
  aggregate(initializer: () => VOut, materialized?: Materialized<K, VOut>): KTable<K, VOut>;
  /** Windowed cogroup: time or sliding windows, then aggregate. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VOut>;
}

export interface TimeWindowedCogroupedKStream<K, VOut> {
  aggregate(initializer: () => VOut, materialized?: Materialized<K, VOut>): KTable<Windowed<K>, VOut>;
}

export interface SessionWindowedCogroupedKStream<K, VOut> {
  aggregate(initializer: () => VOut, merger: (key: K, agg1: VOut, agg2: VOut) => VOut, materialized?: Materialized<K, VOut>): KTable<Windowed<K>, VOut>;
}

export class CogroupedKStreamImpl<K, VOut> implements CogroupedKStream<K, VOut> {
  constructor(readonly patterns: readonly CogroupPattern[]) {}

  cogroup<V>(grouped: KGroupedStream<K, V>, aggregator: (key: K, value: V, agg: VOut) => VOut): CogroupedKStream<K, VOut> {
    checkFn(aggregator, 'cogroup aggregator');
    const group = (grouped as unknown as { state?: GroupedState }).state;
    if (!group) throw new TypeError('cogroup: the first argument must be a KGroupedStream (stream.groupByKey() or groupBy()).');
    if (group.graph !== this.patterns[0].group.graph) throw new Error('cogroup: all grouped streams must come from the same StreamsBuilder.');
    if (this.patterns.some((p) => p.group.node === group.node && p.group === group)) throw new Error('cogroup: this grouped stream is already part of the cogroup.');
    return new CogroupedKStreamImpl<K, VOut>([...this.patterns, { group, aggregator: aggregator as Aggregator }]);
  }
  aggregate(initializer: () => VOut, materialized?: Materialized<K, VOut>): KTable<K, VOut> {
    checkFn(initializer, 'cogroup aggregate initializer');
    return new KTableImpl<K, VOut>(cogroupAggregate(this.patterns, initializer, materialized as M));
  }
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: CogroupWindows): TimeWindowedCogroupedKStream<K, VOut> | SessionWindowedCogroupedKStream<K, VOut> {
    const kind = (windows as { kind?: string } | null)?.kind;
    if (kind !== 'time' && kind !== 'sliding' && kind !== 'session') {
      throw new TypeError('cogroup windowedBy needs TimeWindows.of(...), SlidingWindows.of(...) or SessionWindows.of(...).');
    }
    const patterns = this.patterns;
    if (kind === 'session') {
      return {
        aggregate: (initializer, merger, materialized) => {
          checkFn(initializer, 'cogroup aggregate initializer');
          checkFn(merger, 'cogroup session merger');
          return new KTableImpl<Windowed<K>, VOut>(cogroupAggregate(patterns, initializer, materialized as M, windows, merger as Aggregator));
        },
      } satisfies SessionWindowedCogroupedKStream<K, VOut>;
    }
    return {
      aggregate: (initializer, materialized) => {
        checkFn(initializer, 'cogroup aggregate initializer');
        return new KTableImpl<Windowed<K>, VOut>(cogroupAggregate(patterns, initializer, materialized as M, windows));
      },
    } satisfies TimeWindowedCogroupedKStream<K, VOut>;
  }
}
