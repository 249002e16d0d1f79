/** KStream.groupByKey / groupBy / toTable: groupings defer the repartition to the aggregation (Kafka's order). */
import type { Grouped, Materialized } from '../options.ts';
import { asUnknownSerde, checkFn, checkName, resolveMaterialized, type StreamState, type TableState } from '../internal.ts';
import type { GroupedState } from './aggregate.ts';
import { createRepartitionedSource } from './repartition.ts';

export function groupByKey<K, V>(s: StreamState, grouped?: Grouped<K, V>): GroupedState {
  return {
    ...s,
    keySerde: asUnknownSerde(grouped?.key) ?? s.keySerde,
    valueSerde: asUnknownSerde(grouped?.value) ?? s.valueSerde,
    groupName: grouped?.name !== undefined ? checkName(grouped.name, 'Grouped name') : undefined,
  };
}

export function groupBy<K, V>(s: StreamState, selector: (k: unknown, v: unknown) => unknown, grouped?: Grouped<K, V>): GroupedState {
  checkFn(selector, 'groupBy selector');
  // Kafka burns an index for the key selector even when Grouped names it.
  const generated = s.graph.newProcessorName('KSTREAM-KEY-SELECT-');
  const name = grouped?.name !== undefined ? checkName(grouped.name, 'Grouped name') : generated;
  s.graph.addProcessor(name, 'selectKey', [s.node], { selector });
  return {
    graph: s.graph, node: name, repartitionRequired: true,
    keySerde: asUnknownSerde(grouped?.key), valueSerde: asUnknownSerde(grouped?.value) ?? s.valueSerde,
    groupName: grouped?.name,
  };
}

export function toTable(s: StreamState, materialized?: Materialized<unknown, unknown>): TableState {
  const name = s.graph.newProcessorName('KSTREAM-TOTABLE-');
  const m = resolveMaterialized(s.graph, materialized, 'KSTREAM-TOTABLE-');
  const keySerde = m.keySerde ?? s.keySerde;
  const valueSerde = m.valueSerde ?? s.valueSerde;
  let parent = s.node;
  if (s.repartitionRequired) {
    parent = createRepartitionedSource({ graph: s.graph, parent, prefix: name, keySerde, valueSerde, nullKeyFilter: true });
  }
  const storeName = m.queryable ? m.storeName : null;
  s.graph.addStore({ name: m.storeName, kind: 'timestampedKeyValue', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching });
  s.graph.addProcessor(name, 'ktableSource', [parent], { storeName, topic: null, materializeAs: m.storeName }, storeName ? [storeName] : []);
  return { graph: s.graph, node: name, keySerde, valueSerde, repartitionRequired: false, storeName, sourceNode: name };
}
