/**
 * Which instance owns a key of a store (Kafka Streams' KafkaStreams.queryMetadataForKey): the key serialized with
 * the store's key serde, its partition as the default partitioner picks it (murmur2) over the partition count of
 * the store's sub-topology, its task `<sub-topology>_<partition>`, and the instances (applicationServer endpoints)
 * where the group put that task active and standby. Window and session stores: the same on the plain key.
 */
import type { Topology } from '../topology/topology.ts';
import type { TaskAssignment } from '../log-client/membership.ts';
import { partitionForKey } from '../log-client/murmur2.ts';
import type { KeyQueryMetadata } from './app.ts';
import type { RoutingView, StoreInfo } from './introspect.ts';

export type { RoutingView };

/**
 * The view when routing applies: this instance has an applicationServer and the group gave it hosts (on Kafka);
 * null otherwise (the built-in log, or no applicationServer): then this instance answers every query itself.
 */
export function routingView(self: string | null, hosts: TaskAssignment['hosts'], partitions: ReadonlyMap<number, number>): RoutingView | null {
  return self !== null && hosts.length > 0 ? { self, hosts: byEndpoint(hosts), partitions } : null;
}

/** One entry per endpoint (the streams protocol lists each member, so an instance with several threads repeats). */
function byEndpoint(hosts: TaskAssignment['hosts']): TaskAssignment['hosts'] {
  if (new Set(hosts.map((h) => h.endpoint)).size === hosts.length) return hosts;
  const m = new Map<string, { active: Set<string>; standby: Set<string> }>();
  for (const h of hosts) {
    const e = m.get(h.endpoint) ?? m.set(h.endpoint, { active: new Set(), standby: new Set() }).get(h.endpoint)!;
    for (const t of h.active) e.active.add(t);
    for (const t of h.standby) e.standby.add(t);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return [...m].map(([endpoint, e]) => ({ endpoint, active: sorted(e.active), standby: sorted(e.standby) }));
}

/** The sub-topology (tasks) holding a store; null for a global store (every instance has all of it). */
export function storeSubtopology(topology: Topology, store: string): number | null {
  const sub = topology.subtopologies.find((s) => !s.global && s.stores.includes(store));
  if (sub) return sub.id;
  if (topology.subtopologies.some((s) => s.global && s.stores.includes(store)) || topology.stores.get(store)?.global) return null;
  throw new Error(`queryMetadataForKey: no store '${store}' in this app; stores: [${[...topology.stores.keys()].join(', ')}].`);
}

/** The key's owner; null when routing does not apply (see routingView). */
export function keyQueryMetadata(topology: Topology, view: RoutingView | null, stores: StoreInfo[], store: string, key: unknown): KeyQueryMetadata | null {
  const info = stores.find((s) => s.name === store);
  if (!info) throw new Error(`queryMetadataForKey: no store '${store}' in this app; stores: [${stores.map((s) => s.name).join(', ')}].`);
  if (view === null) return null;
  const sub = storeSubtopology(topology, info.name);
  if (sub === null) return { activeHost: view.self, standbyHosts: [], partition: -1 };
  const n = view.partitions.get(sub);
  if (n === undefined) return { activeHost: null, standbyHosts: [], partition: -1 };
  const bytes = info.keySerde.serialize(key);
  if (bytes === null) throw new Error(`queryMetadataForKey('${info.name}'): the store's key serde turned the key into null; a null key has no partition.`);
  const partition = partitionForKey(bytes, n);
  const task = `${sub}_${partition}`;
  return {
    activeHost: view.hosts.find((h) => h.active.includes(task))?.endpoint ?? null,
    standbyHosts: view.hosts.filter((h) => h.standby.includes(task)).map((h) => h.endpoint),
    partition,
  };
}

/** The endpoints with an active task of the store's sub-topology (Kafka's streamsMetadataForStore), sorted. */
export function storeHosts(topology: Topology, view: RoutingView, store: string): string[] {
  const sub = storeSubtopology(topology, store);
  if (sub === null) return [view.self];
  const prefix = `${sub}_`;
  return view.hosts.filter((h) => h.active.some((t) => t.startsWith(prefix))).map((h) => h.endpoint).sort();
}

/** The tasks of the store's sub-topology that no instance has active (a range over all instances would miss them). */
export function unassignedTasks(topology: Topology, view: RoutingView, store: string): string[] {
  const sub = storeSubtopology(topology, store);
  if (sub === null) return [];
  const active = new Set(view.hosts.flatMap((h) => h.active));
  return Array.from({ length: view.partitions.get(sub) ?? 0 }, (_, p) => `${sub}_${p}`).filter((t) => !active.has(t));
}
