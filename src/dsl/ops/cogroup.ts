/**
 * Cogroup (Kafka's CogroupedKStreamImpl + CogroupedStreamAggregateBuilder): one aggregate store shared by one
 * COGROUPKSTREAM-AGGREGATE processor per grouped stream (each with its own aggregator and Kafka's KStreamAggregate
 * semantics), joined by a COGROUPKSTREAM-MERGE pass-through. The store name is generated first, then the
 * processors in cogroup order, then the merge. Windowed cogroups use the windowed aggregate processors.
 */
import type { Serde } from '../../api/serde.ts';
import type { ProcKind } from '../../topology/proc-params.ts';
import type { SessionWindows, SlidingWindows, TimeWindows } from '../../windowing/index.ts';
import type { Materialized } from '../options.ts';
import { windowed } from '../../serdes/time-windowed.ts';
import { sessionWindowed } from '../../serdes/session-windowed.ts';
import { deferredWindowedSerde } from '../../serdes/deferred.ts';
import { resolveMaterialized, type TableState } from '../internal.ts';
import type { GroupedState } from './aggregate.ts';
import { createRepartitionedSource } from './repartition.ts';
import { copartition } from './join-common.ts';

export type Aggregator = (key: unknown, value: unknown, agg: unknown) => unknown;

export interface CogroupPattern {
  readonly group: GroupedState;
  readonly aggregator: Aggregator;
}

export type CogroupWindows = TimeWindows | SlidingWindows | SessionWindows;

export function cogroupAggregate(
  patterns: readonly CogroupPattern[], initializer: () => unknown, materialized: Materialized<unknown, unknown> | undefined,
  windows?: CogroupWindows, merger?: (key: unknown, a: unknown, b: unknown) => unknown,
): TableState {
  const { graph } = patterns[0].group;
  const m = resolveMaterialized(graph, materialized, 'COGROUPKSTREAM-AGGREGATE-');
  const keySerde = m.keySerde ?? patterns[0].group.keySerde;
  const valueSerde = m.valueSerde;
  // Repartition topics for groups whose key changed, one per group (CogroupedStreamAggregateBuilder.processRepartitions).
  const parents = patterns.map((p) => (p.group.repartitionRequired
    ? createRepartitionedSource({ graph, parent: p.group.node, prefix: p.group.groupName ?? m.storeName, keySerde: p.group.keySerde, valueSerde: p.group.valueSerde, nullKeyFilter: true })
    : p.group.node));
  let kind: ProcKind = 'streamAggregate';
  let resultKeySerde = keySerde;
  if (windows === undefined) {
    graph.addStore({ name: m.storeName, kind: 'timestampedKeyValue', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching });
  } else if (windows.kind === 'session') {
    const retentionMs = m.retentionMs ?? windows.inactivityGapMs + windows.graceMs;
    graph.addStore({ name: m.storeName, kind: 'session', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching, retentionMs });
    kind = 'sessionWindowAggregate';
    resultKeySerde = keySerde ? (sessionWindowed(keySerde) as Serde<unknown>) : deferredWindowedSerde('session');
  } else {
    const size = windows.kind === 'time' ? windows.sizeMs : windows.timeDifferenceMs;
    const retentionMs = m.retentionMs ?? (windows.kind === 'time' ? windows.sizeMs + windows.graceMs : 2 * windows.timeDifferenceMs + windows.graceMs);
    graph.addStore({ name: m.storeName, kind: 'timestampedWindow', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching, windowSizeMs: size, retentionMs });
    kind = windows.kind === 'time' ? 'timeWindowAggregate' : 'slidingWindowAggregate';
    resultKeySerde = keySerde ? (windowed(keySerde, { windowSize: size }) as Serde<unknown>) : deferredWindowedSerde('time', size);
  }
  const aggNames: string[] = [];
  patterns.forEach((p, i) => {
    const name = graph.newProcessorName('COGROUPKSTREAM-AGGREGATE-');
    const params = windows === undefined
      ? { storeName: m.storeName, initializer, aggregator: p.aggregator }
      : { storeName: m.storeName, initializer, aggregator: p.aggregator, windows, emitFinal: false, ...(merger ? { merger } : {}) };
    graph.addProcessor(name, kind, [parents[i]], params as never, [m.storeName]);
    aggNames.push(name);
  });
  const mergeName = graph.newProcessorName('COGROUPKSTREAM-MERGE-');
  graph.addProcessor(mergeName, 'ktableMerge', aggNames, { storeName: m.storeName });
  if (patterns.length > 1) copartition(graph, parents);
  return { graph, node: mergeName, keySerde: resultKeySerde, valueSerde, repartitionRequired: false, storeName: m.queryable ? m.storeName : null };
}
