/** KTable operators: filter, filterNot, mapValues, toStream, groupBy (Kafka's KTableImpl naming). */
import type { KeyValue } from '../../api/records.ts';
import type { Grouped, Materialized, Named } from '../options.ts';
import { asUnknownSerde, checkFn, resolveMaterialized, type StreamState, type TableState } from '../internal.ts';
import { nodeName } from './stateless.ts';
import type { GroupedState } from './aggregate.ts';

function materializeIfAsked(t: TableState, m: Materialized<unknown, unknown> | undefined, prefix: string, valueSerde: StreamState['valueSerde']) {
  if (m === undefined) return { storeName: null, keySerde: t.keySerde, valueSerde };
  const r = resolveMaterialized(t.graph, m, prefix);
  const keySerde = r.keySerde ?? t.keySerde;
  const vs = r.valueSerde ?? valueSerde;
  t.graph.addStore({ name: r.storeName, kind: 'timestampedKeyValue', keySerde, valueSerde: vs, store: r.store, logging: r.logging, caching: r.caching });
  return { storeName: r.storeName, keySerde, valueSerde: vs, queryable: r.queryable };
}

export function tableFilter(t: TableState, predicate: (k: unknown, v: unknown) => boolean, not: boolean, m?: Materialized<unknown, unknown>, named?: Named): TableState {
  checkFn(predicate, not ? 'KTable.filterNot predicate' : 'KTable.filter predicate');
  const mat = m !== undefined ? materializeIfAsked(t, m, 'KTABLE-FILTER-', t.valueSerde) : null;
  const name = nodeName(t, named, 'KTABLE-FILTER-');
  const storeName = mat?.storeName ?? null;
  t.graph.addProcessor(name, 'ktableFilter', [t.node], { predicate, not, storeName }, storeName ? [storeName] : []);
  t.graph.filterAsksParent(name);
  return { ...t, node: name, storeName, queryable: mat?.queryable, keySerde: mat?.keySerde ?? t.keySerde, valueSerde: mat?.valueSerde ?? t.valueSerde };
}

export function tableMapValues(t: TableState, mapper: (v: unknown, k: unknown) => unknown, m?: Materialized<unknown, unknown>, named?: Named): TableState {
  checkFn(mapper, 'KTable.mapValues mapper');
  const mat = m !== undefined ? materializeIfAsked(t, m, 'KTABLE-MAPVALUES-', undefined) : null;
  const name = nodeName(t, named, 'KTABLE-MAPVALUES-');
  const storeName = mat?.storeName ?? null;
  t.graph.addProcessor(name, 'ktableMapValues', [t.node], { mapper, storeName }, storeName ? [storeName] : []);
  return { ...t, node: name, storeName, queryable: mat?.queryable, keySerde: mat?.keySerde ?? t.keySerde, valueSerde: mat?.valueSerde };
}

export function toStream(t: TableState, keyMapper: ((k: unknown, v: unknown) => unknown) | null, named?: Named): StreamState {
  if (keyMapper !== null) checkFn(keyMapper, 'toStream key mapper');
  const name = nodeName(t, named, 'KTABLE-TOSTREAM-');
  t.graph.addProcessor(name, 'ktableToStream', [t.node], { keyMapper });
  return keyMapper === null
    ? { graph: t.graph, node: name, keySerde: t.keySerde, valueSerde: t.valueSerde, repartitionRequired: false }
    : { graph: t.graph, node: name, keySerde: undefined, valueSerde: t.valueSerde, repartitionRequired: true };
}

export function tableGroupBy<K, V>(t: TableState, selector: (k: unknown, v: unknown) => KeyValue<unknown, unknown>, grouped?: Grouped<K, V>): GroupedState {
  checkFn(selector, 'KTable.groupBy selector');
  const name = nodeName(t, grouped?.name !== undefined ? { name: grouped.name } : undefined, 'KTABLE-SELECT-');
  t.graph.addProcessor(name, 'ktableRepartitionMap', [t.node], { selector });
  enableSendingOldValues(t, true);
  return {
    graph: t.graph, node: name, keySerde: asUnknownSerde(grouped?.key), valueSerde: asUnknownSerde(grouped?.value),
    repartitionRequired: true, groupName: grouped?.name,
  };
}

/** Kafka's KTableImpl.enableSendingOldValues: recorded on the graph and resolved upstream at build(). */
export function enableSendingOldValues(t: TableState, forceMaterialization: boolean): void {
  t.graph.enableSendingOldValues(t.node, forceMaterialization);
}
