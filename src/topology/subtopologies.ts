/**
 * Sub-topologies as Kafka's InternalTopologyBuilder.makeNodeGroups forms and numbers them: nodes joined with
 * their parents and with every processor sharing a store; ids given in order of the sorted source names first,
 * then the sorted other names. Repartition topics therefore split sub-topologies.
 */
import type { GraphNode } from './graph.ts';

/** The parts of a topology that sub-topologies are computed from. */
export interface NodeGraph {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly order: readonly string[];
}

export interface Subtopology {
  readonly id: number;
  readonly nodes: readonly string[];
  readonly sourceNodes: readonly string[];
  readonly sourceTopics: readonly string[];
  readonly stores: readonly string[];
  /** A global-store sub-topology (will not generate tasks). */
  readonly global: boolean;
}

export function computeSubtopologies(t: NodeGraph): Subtopology[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const n of t.order) parent.set(n, n);
  const storeUsers = new Map<string, string>();
  for (const name of t.order) {
    const n = t.nodes.get(name)!;
    if (n.type !== 'source') for (const p of n.parents) union(name, p);
    if (n.type === 'processor') {
      for (const s of n.stores) {
        const other = storeUsers.get(s);
        if (other !== undefined) union(name, other);
        else storeUsers.set(s, name);
      }
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sourceNames = t.order.filter((n) => t.nodes.get(n)!.type === 'source').sort(byName);
  const others = t.order.filter((n) => t.nodes.get(n)!.type !== 'source').sort(byName);
  const ids = new Map<string, number>();
  for (const n of [...sourceNames, ...others]) {
    const root = find(n);
    if (!ids.has(root)) ids.set(root, ids.size);
  }
  const groups = new Map<number, string[]>();
  for (const n of t.order) {
    const id = ids.get(find(n))!;
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id)!.push(n);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([id, nodes]) => {
    const sources = nodes.filter((n) => t.nodes.get(n)!.type === 'source');
    const sourceTopics = sources.flatMap((n) => {
      const s = t.nodes.get(n)!;
      return s.type === 'source' ? [...s.topics] : [];
    });
    const stores = [...new Set(nodes.flatMap((n) => {
      const p = t.nodes.get(n)!;
      return p.type === 'processor' ? [...p.stores] : [];
    }))];
    const global = sources.some((n) => {
      const s = t.nodes.get(n)!;
      return s.type === 'source' && s.global === true;
    });
    return { id, nodes, sourceNodes: sources, sourceTopics, stores, global };
  });
}
