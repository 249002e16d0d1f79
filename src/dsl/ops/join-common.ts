/** Shared pieces of the join operators: options, co-partition groups, repartition before a join. */
import type { Serde } from '../../api/serde.ts';
import type { TopologyGraph } from '../../topology/graph.ts';
import { asUnknownSerde, checkName, type StreamState } from '../internal.ts';
import { createRepartitionedSource } from './repartition.ts';

/** Kafka's Joined / StreamJoined: serdes of the inputs and the name of the join's processors and stores. */
export interface JoinOptions<K, V, VO> {
  /** Base name of the processors (Kafka's Joined.as / StreamJoined.withName). */
  name?: string;
  /** Base name of the stream-stream join stores (Kafka's StreamJoined.as / withStoreName). */
  storeName?: string;
  key?: Serde<K>;
  value?: Serde<V>;
  otherValue?: Serde<VO>;
  /** Stream-stream join stores: 'leveldb' (default) or 'memory'. */
  store?: 'leveldb' | 'memory';
  /** Changelog the join stores (default true). */
  logging?: boolean;
}

export type AnyJoinOptions = JoinOptions<unknown, unknown, unknown>;

export function checkJoinOptions(o: AnyJoinOptions | undefined): void {
  if (o?.name !== undefined) checkName(o.name, 'join name');
  if (o?.storeName !== undefined) checkName(o.storeName, 'join storeName');
}

/** The source topics feeding `node` (walking up to the sources), for co-partitioning. */
export function sourceTopicsOf(graph: TopologyGraph, node: string): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const g = graph.nodes.get(n);
    if (!g) return;
    if (g.type === 'source') {
      if (!g.global) for (const t of g.topics) out.add(t);
      return;
    }
    for (const p of g.parents) walk(p);
  };
  walk(node);
  return [...out];
}

/** Records that the topics feeding all `nodes` must be co-partitioned (Kafka's copartitionSources). */
export function copartition(graph: TopologyGraph, nodes: string[]): void {
  const topics = [...new Set(nodes.flatMap((n) => sourceTopicsOf(graph, n)))];
  if (topics.length > 1) graph.copartitionGroups.push(topics);
}

/** Kafka's repartitionForJoin: `<name>-repartition` with a null-key filter, when the key changed upstream. */
export function repartitionForJoin(s: StreamState, prefix: string, keySerde?: Serde<unknown>, valueSerde?: Serde<unknown>): StreamState {
  if (!s.repartitionRequired) return s;
  const ks = keySerde ?? s.keySerde;
  const vs = valueSerde ?? s.valueSerde;
  const node = createRepartitionedSource({ graph: s.graph, parent: s.node, prefix, keySerde: ks, valueSerde: vs, nullKeyFilter: true });
  return { ...s, node, keySerde: ks, valueSerde: vs, repartitionRequired: false };
}

export const serdeOf = asUnknownSerde;
