/**
 * Windowed count/reduce/aggregate (Kafka's TimeWindowedKStreamImpl, SlidingWindowedKStreamImpl,
 * SessionWindowedKStreamImpl): the store name, then the function name, then the repartition topic when the key
 * changed upstream; a timestamped window store (time, sliding) or a session store with retention
 * max(window retention, Materialized retention), logged to a `compact,delete` changelog. The result is a
 * KTable<Windowed<K>, V> whose key serde is the windowed serde of the store's key serde.
 */
import type { Serde } from '../../api/serde.ts';
import type { ProcParams } from '../../topology/proc-params.ts';
import type { SessionWindows, SlidingWindows, TimeWindows } from '../../windowing/index.ts';
import type { EmitStrategy } from '../../windowing/emit-strategy.ts';
import type { Materialized } from '../options.ts';
import { resolveMaterialized, type TableState } from '../internal.ts';
import { createRepartitionedSource } from './repartition.ts';
import type { GroupedState } from './aggregate.ts';
import { windowed } from '../../serdes/time-windowed.ts';
import { sessionWindowed } from '../../serdes/session-windowed.ts';
import { deferredWindowedSerde } from '../../serdes/deferred.ts';

export type AnyWindows = TimeWindows | SlidingWindows | SessionWindows;

export interface WindowedGroupedState extends GroupedState {
  readonly windows: AnyWindows;
  readonly emitStrategy: EmitStrategy;
}

export interface WindowedFns {
  initializer: () => unknown;
  aggregator: (key: unknown, value: unknown, agg: unknown) => unknown;
  merger?: (key: unknown, agg1: unknown, agg2: unknown) => unknown;
}

/** Window size as the windowed serde and store see it, and the default store retention. */
function sizes(w: AnyWindows): { size: number; retention: number } {
  switch (w.kind) {
    case 'time': return { size: w.sizeMs, retention: w.sizeMs + w.graceMs };
    case 'sliding': return { size: w.timeDifferenceMs, retention: 2 * w.timeDifferenceMs + w.graceMs };
    case 'session': return { size: w.inactivityGapMs, retention: w.inactivityGapMs + w.graceMs };
  }
}

/**
 * @param prefix 'KSTREAM-AGGREGATE-' or 'KSTREAM-REDUCE-'
 * @param burnName Kafka's count(Materialized) without a store name burns one name index (topology compatibility).
 */
export function windowedAggregate(
  g: WindowedGroupedState, prefix: string, materialized: Materialized<unknown, unknown> | undefined, burnName: boolean,
  fns: WindowedFns, defaultValueSerde: Serde<unknown> | undefined,
): TableState {
  const { graph, windows } = g;
  const emitFinal = g.emitStrategy.type === 'ON_WINDOW_CLOSE';
  if (burnName && materialized?.storeName === undefined) graph.newStoreName(prefix);
  const m = resolveMaterialized(graph, materialized, prefix);
  const keySerde = m.keySerde ?? g.keySerde;
  const valueSerde = m.valueSerde ?? defaultValueSerde;
  const { size, retention: minRetention } = sizes(windows);
  if (m.retentionMs !== undefined && m.retentionMs < minRetention) {
    const what = windows.kind === 'session' ? 'inactivity gap plus grace' : windows.kind === 'sliding' ? '2 * time difference plus grace' : 'window size plus grace';
    throw new RangeError(`Materialized retention of store '${m.storeName}' (${m.retentionMs} ms) must be no smaller than its ${what} (${minRetention} ms).`);
  }
  const retentionMs = m.retentionMs ?? minRetention;
  const aggName = graph.newProcessorName(prefix);
  let parent = g.node;
  if (g.repartitionRequired) {
    parent = createRepartitionedSource({ graph, parent, prefix: g.groupName ?? m.storeName, keySerde: g.keySerde, valueSerde: g.valueSerde, nullKeyFilter: true });
  }
  const common = { storeName: m.storeName, initializer: fns.initializer, aggregator: fns.aggregator, emitFinal };
  const store = { name: m.storeName, keySerde, valueSerde, store: m.store, logging: m.logging, retentionMs };
  let resultKeySerde: Serde<unknown>;
  if (windows.kind === 'session') {
    // Kafka does not cache the time-ordered session store of onWindowClose().
    graph.addStore({ ...store, kind: 'session', caching: m.caching && !emitFinal, timeOrdered: emitFinal });
    const params: ProcParams['sessionWindowAggregate'] = { ...common, windows, merger: fns.merger! };
    graph.addProcessor(aggName, 'sessionWindowAggregate', [parent], params, [m.storeName]);
    resultKeySerde = keySerde ? (sessionWindowed(keySerde) as Serde<unknown>) : deferredWindowedSerde('session');
  } else {
    // Kafka caches onWindowClose() time-window stores (WindowStoreMaterializer) but not sliding ones
    // (SlidingWindowStoreMaterializer).
    const caching = m.caching && !(emitFinal && windows.kind === 'sliding');
    graph.addStore({ ...store, kind: 'timestampedWindow', caching, windowSizeMs: size, timeOrdered: emitFinal });
    if (windows.kind === 'time') graph.addProcessor(aggName, 'timeWindowAggregate', [parent], { ...common, windows }, [m.storeName]);
    else graph.addProcessor(aggName, 'slidingWindowAggregate', [parent], { ...common, windows }, [m.storeName]);
    resultKeySerde = keySerde ? (windowed(keySerde, { windowSize: size }) as Serde<unknown>) : deferredWindowedSerde('time', size);
  }
  return { graph, node: aggName, keySerde: resultKeySerde, valueSerde, repartitionRequired: false, storeName: m.storeName, queryable: m.queryable };
}
