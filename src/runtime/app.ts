/** defineApp: a user's app module's default export (API.md section 2). It never starts itself. */
import { StreamsBuilder } from '../dsl/builder.ts';
import type { Topology } from '../topology/topology.ts';
import type { StreamsConfig } from './config.ts';

export interface AppDefinition {
  applicationId: string;
  config?: StreamsConfig;
  build(builder: StreamsBuilder): void;
}

export interface StartOptions extends StreamsConfig {
  dataDir?: string;
  stateDir?: string;
  createTopics?: boolean;
}

export interface RunningApp {
  readonly applicationId: string;
  /** A read-only view of a store across this instance's tasks (interactive queries). */
  store<S = import('../api/stores.ts').ReadOnlyKeyValueStore<unknown, unknown>>(name: string): S;
  /** Records processed (per task, per second), commits, dropped records by reason, restore progress. */
  metrics(): Record<string, unknown>;
  /** Consumer lag per input partition. */
  lag(): Promise<Record<string, number>>;
  /**
   * A live, cold rxjs Observable of a topic's committed records (read_committed; from 'now' by default);
   * unsubscribing releases its consumer, close() completes it (API.md section 9).
   */
  observe<K = Uint8Array | null, V = Uint8Array | null>(topic: string, opts?: import('../bridges/observe.ts').ObserveOptions<K, V>): import('rxjs').Observable<import('../api/records.ts').StreamRecord<K, V>>;
  /** The error that stopped processing, or null while healthy. */
  error(): unknown;
  /** Finishes the current batch, commits, closes stores and the log. */
  close(): Promise<void>;
}

export interface App {
  readonly applicationId: string;
  readonly config: StreamsConfig;
  topology(): Topology;
  start(options?: StartOptions): Promise<RunningApp>;
}

export function defineApp(def: AppDefinition): App {
  if (!def || typeof def.applicationId !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(def.applicationId)) {
    throw new Error(`defineApp: applicationId must be 1-249 characters of [a-zA-Z0-9._-] (it prefixes topic names), got ${JSON.stringify(def?.applicationId)}.`);
  }
  if (typeof def.build !== 'function') throw new Error(`defineApp('${def.applicationId}'): build(builder) must be a function.`);
  let cached: Topology | null = null;
  return Object.freeze({
    applicationId: def.applicationId,
    config: def.config ?? {},
    topology(): Topology {
      if (!cached) {
        const b = new StreamsBuilder();
        def.build(b);
        cached = b.build();
      }
      return cached;
    },
    async start(options: StartOptions = {}): Promise<RunningApp> {
      const { startApp } = await import('./runner/start.ts');
      return startApp(this as App, options);
    },
  });
}
