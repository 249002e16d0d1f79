/** defineApp: a user's app module's default export (API.md section 2). It never starts itself. */
import { StreamsBuilder } from '../dsl/builder.ts';
import type { Topology } from '../topology/topology.ts';
import type { App, AppDefinition, RunningApp, StartOptions } from './app.ts';

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
      const { startApp } = await import('./start.ts');
      return startApp(this as App, options);
    },
  });
}
