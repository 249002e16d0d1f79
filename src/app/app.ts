/** The app's public shapes (API.md section 2 and 6): what defineApp returns and what start() gives back. */
import type { StreamsBuilder } from '../dsl/builder.ts';
import type { Topology } from '../topology/topology.ts';
import type { StreamsConfig } from '../runtime/config.ts';

export interface AppDefinition {
  applicationId: string;
  config?: StreamsConfig;
  build(builder: StreamsBuilder): void;
}

export interface StartOptions extends StreamsConfig {
  dataDir?: string;
  stateDir?: string;
  createTopics?: boolean;
  /** The app's module (path or file URL): needed by numStreamThreads > 1, whose threads load it themselves. */
  appModule?: string;
  /** With createTopics: the partitions of the source topics it creates (default 1). */
  createTopicPartitions?: number;
}

export interface RunningApp {
  readonly applicationId: string;
  /** A read-only view of a store across this instance's tasks (interactive queries). */
  store<S = import('../api/stores.ts').ReadOnlyKeyValueStore<unknown, unknown>>(name: string): S;
  /** Records processed (per task, per second), commits, dropped records by reason, restore progress. */
  metrics(): Record<string, unknown>;
  /** The tasks this instance owns (active; standbys come with scale-out), their state and restore progress. */
  tasks(): import('./tasks.ts').TaskInfo[];
  /** Consumer lag per input partition. */
  lag(): Promise<Record<string, number>>;
  /**
   * A live, cold rxjs Observable of a topic's committed records (read_committed; from 'now' by default);
   * unsubscribing releases its consumer, close() completes it (API.md section 9).
   */
  observe<K = Uint8Array | null, V = Uint8Array | null>(topic: string, opts?: import('../log-client/observe.ts').ObserveOptions<K, V>): import('rxjs').Observable<import('../api/records.ts').StreamRecord<K, V>>;
  /** The error that stopped processing, or null while healthy. */
  error(): unknown;
  /** Finishes the current batch, commits, closes stores and the log. */
  close(): Promise<void>;
  /**
   * Which instance owns `key` of store `name` (Kafka's queryMetadataForKey): on Kafka with `applicationServer`,
   * the endpoint of its active task (null while the group rebalances) and of its standbys; null when this instance
   * answers every key itself (the built-in log, or no applicationServer). The HTTP endpoints route with it.
   */
  queryMetadataForKey?(name: string, key: unknown): KeyQueryMetadata | null;
  /** The HTTP server's base URL when started with `http`. */
  readonly httpUrl?: string;
}

/** Kafka's KeyQueryMetadata: where a key's task runs. Hosts are `applicationServer` strings (host:port). */
export interface KeyQueryMetadata {
  /** The instance with the key's active task; null while unknown (rebalancing, or that instance has no applicationServer). */
  readonly activeHost: string | null;
  readonly standbyHosts: readonly string[];
  /** The key's partition of the store's sub-topology (-1 for a global store: every instance has it all). */
  readonly partition: number;
}

export interface App {
  readonly applicationId: string;
  readonly config: StreamsConfig;
  topology(): Topology;
  start(options?: StartOptions): Promise<RunningApp>;
}
