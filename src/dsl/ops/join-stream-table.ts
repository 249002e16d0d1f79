/**
 * KStream-KTable join/leftJoin (Kafka's KStreamImpl.join(KTable)): a repartition topic first when the stream's
 * key changed, then one KSTREAM-JOIN / KSTREAM-LEFTJOIN processor reading the table through its value getter
 * (which forces a source table to materialize). KStream-GlobalKTable join/leftJoin: the same processor with a
 * key selector, reading the global store (no stores connected, no co-partitioning).
 */
import type { TableState, StreamState } from '../internal.ts';
import { checkFn } from '../internal.ts';
import { getterStores, valueGetterFor } from '../../topology/value-getter.ts';
import type { GlobalKTableImpl } from '../global-ktable.ts';
import { checkJoinOptions, copartition, repartitionForJoin, serdeOf, type AnyJoinOptions } from './join-common.ts';

type Joiner = (value: unknown, other: unknown) => unknown;

export function streamTableJoin(s: StreamState, table: TableState, joiner: Joiner, left: boolean, options?: AnyJoinOptions): StreamState {
  checkFn(joiner, left ? 'leftJoin joiner' : 'join joiner');
  checkJoinOptions(options);
  if (table.graph !== s.graph) throw new Error('join: the stream and the table must come from the same StreamsBuilder.');
  // A re-keyed stream without a key serde is repartitioned with the table's key serde, so its keys hash to the
  // partitions the table's keys are in (Kafka would use the default serde; with our JSON default that would miss).
  const input = repartitionForJoin(s, options?.name ?? s.node, serdeOf(options?.key) ?? (s.keySerde ? undefined : table.keySerde), serdeOf(options?.value));
  const { graph } = s;
  // Kafka burns a name index even when the join is named.
  const generated = graph.newProcessorName(left ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-');
  const name = options?.name ?? generated;
  const getter = valueGetterFor(graph, table.node);
  graph.addProcessor(name, 'streamTableJoin', [input.node], { getter, joiner, left, keyMapper: null }, getterStores(getter));
  copartition(graph, [input.node, table.node]);
  return { graph, node: name, keySerde: input.keySerde, valueSerde: undefined, repartitionRequired: false };
}

export function streamGlobalTableJoin(
  s: StreamState, table: GlobalKTableImpl<unknown, unknown>, keySelector: (key: unknown, value: unknown) => unknown, joiner: Joiner, left: boolean, named?: { name?: string },
): StreamState {
  checkFn(keySelector, 'global table join key selector');
  checkFn(joiner, left ? 'leftJoin joiner' : 'join joiner');
  checkJoinOptions(named);
  const { graph } = s;
  const generated = graph.newProcessorName('KSTREAM-LEFTJOIN-');
  const name = named?.name ?? generated;
  graph.addProcessor(name, 'streamTableJoin', [s.node], { getter: { kind: 'store', store: table.queryableStoreName }, joiner, left, keyMapper: keySelector });
  return { graph, node: name, keySerde: s.keySerde, valueSerde: undefined, repartitionRequired: s.repartitionRequired };
}
