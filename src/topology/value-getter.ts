/**
 * Kafka's KTableValueGetterSupplier as data: how to read a KTable's current value at a node, through
 * non-materialized filter / mapValues / table-table joins back to materialized stores. Joins store the spec
 * in their params and connect its stores; the runtime turns it into a synchronous `get(key)`
 * (src/runtime/processors/value-getter.ts).
 */
import type { ProcessorNode, TopologyGraph } from './graph.ts';
import type { ProcParams } from './proc-params.ts';

export type JoinMode = 'inner' | 'left' | 'outer';

export type GetterSpec =
  | { readonly kind: 'store'; readonly store: string }
  /** A time or sliding windowed table: the window store's value at (key, window start) (KStreamWindowAggregate's getter). */
  | { readonly kind: 'window'; readonly store: string }
  /** A session windowed table: the session store's value of exactly that session, stamped with its end. */
  | { readonly kind: 'session'; readonly store: string }
  /**
   * A suppressed table (KTableSuppressProcessorSupplier.view): while a key is buffered, the value from before
   * the buffered update (the first buffered change's old value, timestamp unknown = -1); otherwise the parent's.
   */
  | { readonly kind: 'suppress'; readonly buffer: string; readonly parent: GetterSpec }
  /** filter (returns null to hide) and mapValues over the parent's value. */
  | { readonly kind: 'map'; readonly parent: GetterSpec; readonly map: (key: unknown, value: unknown) => unknown }
  | { readonly kind: 'join'; readonly left: GetterSpec; readonly right: GetterSpec; readonly mode: JoinMode; readonly joiner: (v1: unknown, v2: unknown) => unknown };

/** The stores a getter reads (connected to the processor that uses it, as Kafka connects them). */
export function getterStores(spec: GetterSpec): string[] {
  switch (spec.kind) {
    case 'store':
    case 'window':
    case 'session': return [spec.store];
    case 'suppress': return [...new Set([spec.buffer, ...getterStores(spec.parent)])];
    case 'map': return getterStores(spec.parent);
    case 'join': return [...new Set([...getterStores(spec.left), ...getterStores(spec.right)])];
  }
}

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
