/**
 * Foreign-key KTable join/leftJoin (Kafka's KTableImpl.doJoinOnForeignKey): a subscription-registration
 * processor and topic keyed by the foreign key (co-partitioned with the right table), the subscription store
 * and its processors on the right side, a response topic back to the left row's partition (co-partitioned
 * with the left table), the resolver, and a KTABLE-FK-JOIN-OUTPUT table source (materialized when asked).
 * Both tables send old values and are materialized, as in Kafka.
 */
import type { Materialized } from '../options.ts';
import type { Partitioner, StoreSpec } from '../../topology/graph.ts';
import type { FkParams } from '../../topology/join-params.ts';
import { bytes } from '../../serdes/bytes.ts';
import { responseSerde, storedSubscriptionSerde, subscriptionSerde, type SubscriptionResponse } from '../../topology/fk-wrappers.ts';
import { getterStores, valueGetterFor } from '../../topology/value-getter.ts';
import { checkFn, checkName, resolveMaterialized, type TableState } from '../internal.ts';
import { enableSendingOldValues } from './table.ts';
import { sourceTopicsOf } from './join-common.ts';

type U = StoreSpec['valueSerde'];

export function foreignKeyJoin(
  left: TableState, right: TableState, extractor: (value: unknown, key: unknown) => unknown,
  joiner: (v1: unknown, v2: unknown) => unknown, leftJoin: boolean, materialized?: Materialized<unknown, unknown> & { name?: string },
): TableState {
  checkFn(extractor, 'foreign-key join foreignKeyExtractor');
  checkFn(joiner, 'foreign-key join joiner');
  if (left.graph !== right.graph) throw new Error('join: both tables must come from the same StreamsBuilder.');
  const { graph } = left;
  const name = materialized?.name !== undefined ? checkName(materialized.name, 'join name') : undefined;
  // Kafka's NamedInternal burns a name index even when the name is given.
  const named = (suffix: string, prefix: string) => {
    const generated = graph.newProcessorName(prefix);
    return name !== undefined ? name + suffix : generated;
  };
  enableSendingOldValues(right, true);
  enableSendingOldValues(left, true);

  const subscriptionTopic = named('-subscription-registration', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-') + '-topic';
  const registration = named('-subscription-registration-processor', 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-');
  const subSink = named('-subscription-registration-sink', 'KTABLE-SINK-');
  const subSource = named('-subscription-registration-source', 'KTABLE-SOURCE-');
  const subStore = named('-subscription-store', 'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-');
  const receive = named('-subscription-receive', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-');
  const joinForeign = named('-subscription-join-foreign', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-');
  const foreignJoin = named('-foreign-join-subscription', 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-');
  const responseTopic = named('-subscription-response', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-') + '-topic';
  const respSink = named('-subscription-response-sink', 'KTABLE-SINK-');
  const respSource = named('-subscription-response-source', 'KTABLE-SOURCE-');
  const resolver = named('-subscription-response-resolver', 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-');
  const result = named('-result', 'KTABLE-FK-JOIN-OUTPUT-');
  const m = resolveMaterialized(graph, materialized, 'KTABLE-FK-JOIN-OUTPUT-');

  const leftGetter = valueGetterFor(graph, left.node);
  const rightGetter = valueGetterFor(graph, right.node);
  const params: FkParams = {
    leftJoin, foreignKeyExtractor: extractor, joiner, subscriptionStore: subStore, rightGetter, leftGetter,
    leftKeySerde: left.keySerde, leftValueSerde: left.valueSerde, rightKeySerde: right.keySerde, rightValueSerde: right.valueSerde,
    subscriptionTopic, responseTopic,
  };
  graph.addProcessor(registration, 'fkSubscriptionRegistration', [left.node], params);
  graph.add({ type: 'sink', name: subSink, parents: [registration], topic: subscriptionTopic, keySerde: right.keySerde, valueSerde: subscriptionSerde as U, internal: true });
  graph.add({ type: 'source', name: subSource, topics: [subscriptionTopic], keySerde: right.keySerde, valueSerde: subscriptionSerde as U, internal: true });
  graph.copartitionGroups.push([...new Set([subscriptionTopic, ...sourceTopicsOf(graph, right.node)])]);
  graph.addStore({ name: subStore, kind: 'keyValue', keySerde: bytes() as U, valueSerde: storedSubscriptionSerde as U, logging: true, caching: false });
  graph.addProcessor(receive, 'fkSubscriptionReceive', [subSource], params, [subStore]);
  graph.addProcessor(joinForeign, 'fkSubscriptionJoin', [receive], params, getterStores(rightGetter));
  graph.addProcessor(foreignJoin, 'fkForeignTableJoin', [right.node], params, [subStore]);
  const toPrimaryPartition: Partitioner = (_t, _k, v) => (v as SubscriptionResponse).partition;
  graph.add({ type: 'sink', name: respSink, parents: [joinForeign, foreignJoin], topic: responseTopic, keySerde: left.keySerde, valueSerde: responseSerde as U, internal: true, partitioner: toPrimaryPartition });
  graph.add({ type: 'source', name: respSource, topics: [responseTopic], keySerde: left.keySerde, valueSerde: responseSerde as U, internal: true });
  graph.copartitionGroups.push([...new Set([responseTopic, ...sourceTopicsOf(graph, left.node)])]);
  graph.addProcessor(resolver, 'fkResponseResolver', [respSource], params, getterStores(leftGetter));

  const keySerde = m.keySerde ?? left.keySerde;
  const valueSerde = m.valueSerde;
  graph.addStore({ name: m.storeName, kind: 'timestampedKeyValue', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching });
  const storeName = m.queryable ? m.storeName : null;
  graph.addProcessor(result, 'ktableSource', [resolver], { storeName, topic: null, materializeAs: m.storeName }, storeName !== null ? [storeName] : []);
  return { graph, node: result, keySerde, valueSerde, repartitionRequired: false, storeName, sourceNode: result };
}
