/**
 * Kafka's KTableValueGetterSupplier as data: how to read a KTable's current value at a node, through
 * non-materialized filter / mapValues / table-table joins back to materialized stores. Joins store the spec
 * in their params and connect its stores; the runtime turns it into a synchronous `get(key)`
 * (src/processors/value-getter.ts).
 */
import type { ProcessorNode, TopologyGraph } from './graph.ts';
import type { ProcParams } from './proc-params.ts';
import type { GetterSpec } from './getter-spec.ts';

export { getterStores, type GetterSpec, type JoinMode } from './getter-spec.ts';

/**
 * The getter of the KTable whose last node is `nodeName`. Source tables without a store are forced to
 * materialize (their generated store name is already registered), as Kafka's KTableSource.materialize().
 */
export function valueGetterFor(graph: TopologyGraph, nodeName: string): GetterSpec {
  const node = graph.nodes.get(nodeName);
  if (!node || node.type !== 'processor') throw new Error(`value getter: '${nodeName}' is not a KTable processor.`);
  const p = node.params as Record<string, unknown>;
  switch (node.kind) {
    case 'ktableSource': {
      const sp = node.params as ProcParams['ktableSource'];
      if (sp.storeName === null) graph.requireValueGetter(nodeName);
      return { kind: 'store', store: sp.storeName ?? sp.materializeAs };
    }
    case 'ktableFilter': {
      const fp = node.params as ProcParams['ktableFilter'];
      if (fp.storeName !== null) return { kind: 'store', store: fp.storeName };
      return { kind: 'map', parent: valueGetterFor(graph, node.parents[0]), map: (k, v) => (fp.predicate(k, v) !== fp.not ? v : null) };
    }
    case 'ktableMapValues': {
      const mp = node.params as ProcParams['ktableMapValues'];
      if (mp.storeName !== null) return { kind: 'store', store: mp.storeName };
      return { kind: 'map', parent: valueGetterFor(graph, node.parents[0]), map: (k, v) => mp.mapper(v, k) };
    }
    case 'ktableJoinMerge': {
      const jp = node.params as ProcParams['ktableJoinMerge'];
      if (jp.storeName !== null) return { kind: 'store', store: jp.storeName };
      const [a, b] = node.parents.map((n) => graph.nodes.get(n) as ProcessorNode<'ktableJoin'>);
      return { kind: 'join', left: valueGetterFor(graph, a.parents[0]), right: valueGetterFor(graph, b.parents[0]), mode: jp.mode, joiner: jp.joiner };
    }
    case 'ktableMerge':
      return valueGetterFor(graph, node.parents[0]);
    case 'timeWindowAggregate':
    case 'slidingWindowAggregate':
      return { kind: 'window', store: (node.params as ProcParams['timeWindowAggregate']).storeName };
    case 'sessionWindowAggregate':
      return { kind: 'session', store: (node.params as ProcParams['sessionWindowAggregate']).storeName };
    case 'suppress':
      return { kind: 'suppress', buffer: (node.params as ProcParams['suppress']).storeName, parent: valueGetterFor(graph, node.parents[0]) };
    default:
      if (typeof p.storeName === 'string') return { kind: 'store', store: p.storeName };
      throw new Error(`value getter: cannot read the table at '${nodeName}' (${node.kind}) without a store; materialize it (pass a Materialized with a storeName).`);
  }
}
