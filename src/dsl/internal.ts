/**
 * What every DSL handle carries: the graph, the node it stands for, the serdes known so far
 * (inherited as Kafka Streams inherits them) and whether the key changed since the last partitioning.
 */
import type { Serde } from '../api/serde.ts';
import type { TopologyGraph } from '../topology/graph.ts';
import type { Materialized } from './options.ts';
import { toMillis } from '../api/records.ts';

export interface StreamState {
  readonly graph: TopologyGraph;
  readonly node: string;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly repartitionRequired: boolean;
}

export interface TableState extends StreamState {
  /** Store of this KTable when materialized; null when the table only forwards changes. */
  readonly storeName: string | null;
  /** False when the store name was generated (Kafka's queryableStoreName is then null); absent means queryable. */
  readonly queryable?: boolean;
  /** The table source node (builder.table / toTable), which a downstream join or groupBy may force to materialize. */
  readonly sourceNode?: string;
}

export const asUnknownSerde = <T>(s: Serde<T> | undefined): Serde<unknown> | undefined => s as Serde<unknown> | undefined;

/** Validates a name given by the user for a processor, store or topic prefix (Kafka's topic-name characters). */
export function checkName(name: string, what: string): string {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
    throw new Error(`${what} '${name}' is not a valid name: use 1-249 characters of [a-zA-Z0-9._-] (it becomes part of a topic name).`);
  }
  return name;
}

export function checkFn(fn: unknown, what: string): void {
  if (typeof fn !== 'function') throw new TypeError(`${what} must be a function, got ${fn === null ? 'null' : typeof fn}.`);
}

/** Kafka's MaterializedInternal: the store name (generated with `prefix` when not given) and whether it is queryable. */
export interface ResolvedMaterialized {
  storeName: string;
  queryable: boolean;
  keySerde?: Serde<unknown>;
  valueSerde?: Serde<unknown>;
  store?: 'leveldb' | 'memory';
  logging: boolean;
  caching: boolean;
  retentionMs?: number;
}

export function resolveMaterialized<K, V>(graph: TopologyGraph, m: Materialized<K, V> | undefined, prefix: string): ResolvedMaterialized {
  const storeName = m?.storeName !== undefined ? checkName(m.storeName, 'Materialized storeName') : graph.newStoreName(prefix);
  return {
    storeName,
    queryable: m?.storeName !== undefined,
    keySerde: asUnknownSerde(m?.key),
    valueSerde: asUnknownSerde(m?.value),
    store: m?.store,
    logging: m?.logging ?? true,
    caching: m?.caching ?? true,
    retentionMs: m?.retention !== undefined ? toMillis(m.retention, 'Materialized retention') : undefined,
  };
}
