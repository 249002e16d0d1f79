/**
 * Kafka's KTable.enableSendingOldValues, resolved once at build(): a downstream operator that needs old values
 * (groupBy with adder/subtractor, joins, suppress) marks its parent table; filter and mapValues pass the request
 * upstream unless they are materialized (then they read old values from their own store); a source table sends
 * old values only when materialized, and is materialized when the request forces it.
 */
import type { GraphNode, ProcessorNode, StoreSpec, TopologyGraph } from './graph.ts';
import type { ProcParams } from './proc-params.ts';

export function resolveOldValues(graph: TopologyGraph, nodes: Map<string, GraphNode>, stores: Map<string, StoreSpec>): Set<string> {
  const result = new Set<string>();
  const enable = (name: string, force: boolean): boolean => {
    const node = nodes.get(name);
    if (!node || node.type !== 'processor') return false;
    switch (node.kind) {
      case 'ktableSource': {
        const p = node.params as ProcParams['ktableSource'];
        if (p.storeName === null) {
          if (!force) return false;
          const storeName = findSourceStore(node, stores);
          nodes.set(name, Object.freeze({ ...node, params: { ...p, storeName }, stores: [...node.stores, storeName] }));
        }
        result.add(name);
        return true;
      }
      case 'ktableFilter':
      case 'ktableMapValues': {
        const p = node.params as { storeName: string | null };
        if (p.storeName !== null || enable(node.parents[0], force)) {
          result.add(name);
          return true;
        }
        return false;
      }
      default:
        result.add(name);
        return true;
    }
  };
  for (const name of graph.sendOldValues) enable(name, graph.forcedMaterialized.has(name));
  // Value getters (joins) force materialization of source tables without asking for old values.
  for (const name of graph.forcedMaterialized) {
    const node = nodes.get(name);
    if (node?.type === 'processor' && node.kind === 'ktableSource' && (node.params as ProcParams['ktableSource']).storeName === null) {
      const p = node.params as ProcParams['ktableSource'];
      const storeName = findSourceStore(node, stores);
      nodes.set(name, Object.freeze({ ...node, params: { ...p, storeName }, stores: [...node.stores, storeName] }));
    }
  }
  return result;
}

/** The store generated for a source table at builder.table()/toTable() time (registered but not yet connected). */
function findSourceStore(node: ProcessorNode, stores: Map<string, StoreSpec>): string {
  const name = (node.params as ProcParams['ktableSource']).materializeAs;
  if (!stores.has(name)) throw new Error(`Topology: cannot materialize table '${node.name}': its store '${name}' is missing.`);
  return name;
}
