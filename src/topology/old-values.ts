/**
 * Kafka's KTable.enableSendingOldValues, replayed at build() in DSL order: a downstream operator that needs old
 * values (groupBy with adder/subtractor, joins, suppress) marks its parent table; filter and mapValues pass the
 * request upstream unless they are materialized (then they read old values from their own store); a source table
 * sends old values only when materialized, and is materialized when the request forces it. A KTable filter asks
 * its parent without forcing when it is created and sends old values itself when that succeeds (Kafka does so
 * to avoid forwarding needless tombstones).
 */
import type { GraphNode, ProcessorNode, StoreSpec, TopologyGraph } from './graph.ts';
import type { ProcParams } from './proc-params.ts';

export function resolveOldValues(graph: TopologyGraph, nodes: Map<string, GraphNode>, stores: Map<string, StoreSpec>): Set<string> {
  const result = new Set<string>();
  const materialize = (node: ProcessorNode<'ktableSource'>): void => {
    const storeName = node.params.materializeAs;
    if (!stores.has(storeName)) throw new Error(`Topology: cannot materialize table '${node.name}': its store '${storeName}' is missing.`);
    nodes.set(node.name, Object.freeze({ ...node, params: { ...node.params, storeName }, stores: [...node.stores, storeName] }));
  };
  const enable = (name: string, force: boolean): boolean => {
    const node = nodes.get(name);
    if (!node || node.type !== 'processor') return false;
    switch (node.kind) {
      case 'ktableSource': {
        const src = node as ProcessorNode<'ktableSource'>;
        if (src.params.storeName === null) {
          if (!force) return false;
          materialize(src);
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
      case 'ktableJoinMerge':
      case 'ktableMerge':
        // Joins and cogroup merges: every parent sends old values; table-table joins force their inputs to materialize.
        for (const p of node.parents) {
          const parent = nodes.get(p);
          if (parent?.type === 'processor' && parent.kind === 'ktableJoin') {
            result.add(p);
            enable(parent.parents[0], true);
          } else {
            enable(p, force);
          }
        }
        result.add(name);
        return true;
      default:
        result.add(name);
        return true;
    }
  };
  for (const req of graph.oldValueRequests) {
    if (req.kind === 'oldValues') enable(req.node, req.force);
    else if (req.kind === 'filterSelf') {
      const filter = nodes.get(req.node);
      if (filter?.type === 'processor' && enable(filter.parents[0], false)) result.add(req.node);
    } else {
      const node = nodes.get(req.node);
      if (node?.type === 'processor' && node.kind === 'ktableSource' && (node.params as ProcParams['ktableSource']).storeName === null) {
        materialize(node as ProcessorNode<'ktableSource'>);
      }
    }
  }
  return result;
}
