/**
 * KGroupedStream count/reduce/aggregate and KGroupedTable count/reduce/aggregate: a repartition topic when
 * the key changed upstream (named after Grouped.name or the store), one timestamped key-value store, and the
 * aggregate processor (Kafka's GroupedStreamAggregateBuilder / KGroupedTableImpl).
 */
import type { Serde } from '../../api/serde.ts';
import type { ProcKind, ProcParams } from '../../topology/proc-params.ts';
import type { Materialized } from '../options.ts';
import { resolveMaterialized, type StreamState, type TableState } from '../internal.ts';
import { createRepartitionedSource } from './repartition.ts';
import { int64 } from '../../serdes/int64.ts';
import { repartitionName } from '../../api/topic-names.ts';

export interface GroupedState extends StreamState {
  /** Grouped.name: names the repartition topic. */
  readonly groupName?: string;
}

type AggKind = 'streamAggregate' | 'streamReduce' | 'ktableAggregate' | 'ktableReduce';

export function aggregate<P extends AggKind>(
  g: GroupedState, kind: P, prefix: string, materialized: Materialized<unknown, unknown> | undefined,
  params: (storeName: string) => ProcParams[P], defaultValueSerde: Serde<unknown> | undefined,
): TableState {
  const { graph } = g;
  const m = resolveMaterialized(graph, materialized, prefix);
  const table = kind === 'ktableAggregate' || kind === 'ktableReduce';
  const keySerde = m.keySerde ?? g.keySerde;
  const valueSerde = m.valueSerde ?? defaultValueSerde;
  let parent = g.node;
  let aggName: string;
  if (table) {
    // KGroupedTableImpl: sink, source, then the function name; the repartition topic always exists.
    const sinkName = graph.newProcessorName('KSTREAM-SINK-');
    const sourceName = graph.newProcessorName('KSTREAM-SOURCE-');
    aggName = graph.newProcessorName(prefix);
    const topic = repartitionName(g.groupName ?? m.storeName);
    graph.add({ type: 'sink', name: sinkName, parents: [parent], topic, keySerde: g.keySerde, valueSerde: g.valueSerde, internal: true, changes: true });
    graph.add({ type: 'source', name: sourceName, topics: [topic], keySerde: g.keySerde, valueSerde: g.valueSerde, internal: true, changes: true });
    parent = sourceName;
  } else {
    aggName = graph.newProcessorName(prefix);
    if (g.repartitionRequired) {
      parent = createRepartitionedSource({ graph, parent, prefix: g.groupName ?? m.storeName, keySerde: g.keySerde, valueSerde: g.valueSerde, nullKeyFilter: true });
    }
  }
  graph.addStore({ name: m.storeName, kind: 'timestampedKeyValue', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching });
  graph.addProcessor(aggName, kind as ProcKind, [parent], params(m.storeName) as ProcParams[ProcKind], [m.storeName]);
  return { graph, node: aggName, keySerde, valueSerde, repartitionRequired: false, storeName: m.storeName, queryable: m.queryable };
}

export const countSerde = (): Serde<unknown> => int64() as Serde<unknown>;
