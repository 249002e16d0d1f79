/**
 * KTable-KTable join/leftJoin/outerJoin on the primary key (Kafka's KTableImpl.doJoin): KTABLE-JOINTHIS and
 * KTABLE-JOINOTHER read the other side through its value getter (forcing source tables to materialize), and a
 * KTABLE-MERGE forwards or materializes the result. Left joins make the left table send old values, outer joins
 * both tables, as Kafka does (a delete of a row that joined must still produce a tombstone).
 */
import type { Materialized } from '../options.ts';
import { checkFn, checkName, resolveMaterialized, type TableState } from '../internal.ts';
import { getterStores, valueGetterFor, type JoinMode } from '../../topology/value-getter.ts';
import { enableSendingOldValues } from './table.ts';
import { copartition } from './join-common.ts';

export function tableTableJoin(
  left: TableState, right: TableState, joiner: (v1: unknown, v2: unknown) => unknown, mode: JoinMode,
  materialized?: Materialized<unknown, unknown> & { name?: string },
): TableState {
  checkFn(joiner, `KTable ${mode === 'inner' ? 'join' : mode + 'Join'} joiner`);
  if (left.graph !== right.graph) throw new Error('join: both tables must come from the same StreamsBuilder.');
  const { graph } = left;
  const name = materialized?.name !== undefined ? checkName(materialized.name, 'join name') : undefined;
  const m = materialized !== undefined ? resolveMaterialized(graph, materialized, 'KTABLE-MERGE-') : null;
  // Kafka's NamedInternal burns a name index even when the name is given.
  const named = (suffix: string, prefix: string) => {
    const generated = graph.newProcessorName(prefix);
    return name !== undefined ? name + suffix : generated;
  };
  const mergeName = named('', 'KTABLE-MERGE-');
  if (mode !== 'inner') enableSendingOldValues(left, true);
  if (mode === 'outer') enableSendingOldValues(right, true);
  const thisName = named('-join-this', 'KTABLE-JOINTHIS-');
  const otherName = named('-join-other', 'KTABLE-JOINOTHER-');
  const leftGetter = valueGetterFor(graph, left.node);
  const rightGetter = valueGetterFor(graph, right.node);
  const reverse = (v2: unknown, v1: unknown) => joiner(v1, v2);
  graph.addProcessor(thisName, 'ktableJoin', [left.node], { getter: rightGetter, joiner, mode }, getterStores(rightGetter));
  graph.addProcessor(otherName, 'ktableJoin', [right.node], { getter: leftGetter, joiner: reverse, mode: mode === 'left' ? 'right' : mode }, getterStores(leftGetter));
  const keySerde = m?.keySerde ?? left.keySerde;
  const valueSerde = m?.valueSerde;
  const storeName = m !== null && m.queryable ? m.storeName : null;
  if (storeName !== null && m !== null) {
    graph.addStore({ name: storeName, kind: 'timestampedKeyValue', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching });
  }
  graph.addProcessor(mergeName, 'ktableJoinMerge', [thisName, otherName], { storeName, mode, joiner }, storeName !== null ? [storeName] : []);
  copartition(graph, [left.node, right.node]);
  return { graph, node: mergeName, keySerde, valueSerde, repartitionRequired: false, storeName };
}
