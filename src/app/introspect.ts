/**
 * What the HTTP layer (src/http) reads from a running app beyond RunningApp's public methods: per-thread
 * metric details, the stores with their serdes and kinds, and the store handles for queries. app.start registers
 * one per RunningApp; src/http imports this module, never the other way round. `http-hook.ts` lets
 * app.start({ http }) start a server without src/app importing src/http.
 */
import type { Serde } from '../api/serde.ts';
import type { StoreKind } from '../topology/graph.ts';
import type { Topology } from '../topology/topology.ts';
import type { App, RunningApp } from './app.ts';
import type { ResolvedConfig } from '../runtime/config.ts';
import { bindDefaultSerde } from '../serdes/deferred.ts';
import type { StoreHandle } from '../runtime/stores/stores.ts';
import type { Row, StoreRead } from '../runtime/stores/query-rows.ts';
import type { RunnerDetail } from '../runtime/runner/introspect.ts';
import type { TaskAssignment } from '../log-client/membership.ts';

export type { RunnerDetail, TaskDetail } from '../runtime/runner/introspect.ts';

export interface StoreInfo {
  name: string;
  kind: StoreKind;
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  global: boolean;
}

/** The group's latest view as this instance knows it (Kafka's StreamsMetadataState). */
export interface RoutingView {
  /** This instance's applicationServer (host:port). */
  readonly self: string;
  /** Per endpoint, its active and standby task ids (the latest assignment's `hosts`). */
  readonly hosts: TaskAssignment['hosts'];
  /** Partitions (tasks) per sub-topology id. */
  readonly partitions: ReadonlyMap<number, number>;
}

export interface AppIntrospection {
  readonly topology: Topology;
  readonly threads: number;
  stores(): StoreInfo[];
  /** The handles of a store across this instance's tasks; null when stores live in worker threads. */
  handles(store: string): StoreHandle[] | null;
  /** With stores in worker threads: asks every thread and yields their rows (tasks of one thread, then the next). */
  readThreads?(q: StoreRead): AsyncIterable<Row>;
  /** One entry per stream thread. */
  details(): RunnerDetail[];
  /** The group's view for query routing (key-owner.ts); absent or null: this instance answers every query. */
  routing?(): RoutingView | null;
  /** Fresh lag per input partition. */
  lag(): Promise<Record<string, number>>;
}

const registry = new WeakMap<RunningApp, AppIntrospection>();

export function registerIntrospection(app: RunningApp, i: AppIntrospection): RunningApp {
  registry.set(app, i);
  return app;
}

export function introspect(app: RunningApp): AppIntrospection {
  const i = registry.get(app);
  if (!i) throw new Error(`app '${app.applicationId}' was not started by app.start() or streams-run: nothing to introspect.`);
  return i;
}

/** The stores of a topology with their resolved serdes (what the HTTP layer parses keys with). */
export function storeInfos(app: App, config: ResolvedConfig): StoreInfo[] {
  return [...app.topology().stores.values()].filter((s) => s.kind !== 'suppressBuffer').map((s) => ({
    name: s.name, kind: s.kind, global: s.global === true,
    keySerde: bindDefaultSerde(s.keySerde, config.defaultKeySerde), valueSerde: s.valueSerde ?? config.defaultValueSerde,
  }));
}

