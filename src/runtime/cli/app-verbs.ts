/**
 * App verbs: `streams-run app.ts` (run; the default verb) and `streams-run describe app.ts`.
 * The app module is loaded with tsx (registered by bin/streams-run.js), so .ts/.mts/.js/.mjs need no build step.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { App } from '../app.ts';
import { DEFAULT_DATA_DIR } from './open-log.ts';
import { runApp } from './run.ts';

export async function loadApp(file: string): Promise<App> {
  const url = pathToFileURL(path.resolve(file)).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    throw new Error(`cannot load app module ${file}: ${(e as Error).message}`);
  }
  const app = mod.default as Partial<App> | undefined;
  if (!app || typeof app.topology !== 'function' || typeof app.start !== 'function') {
    throw new Error(`${file} must export default defineApp({ applicationId, build(builder) { ... } }).`);
  }
  return app as App;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function registerAppVerbs(program: Command): void {
  program
    .command('run <app>', { isDefault: true })
    .description('run an app (a module whose default export is defineApp(...)) on the built-in log')
    .option('--data-dir <dir>', 'data directory of the built-in log', DEFAULT_DATA_DIR)
    .option('--state-dir <dir>', 'state directory (default <data-dir>/state)')
    .option('--threads <n>', 'stream threads (numStreamThreads)')
    .option('--guarantee <g>', 'at_least_once | exactly_once')
    .option('--create-topics', 'create missing source topics (1 partition)')
    .option('--config <key=value>', 'a config key (camelCase of Kafka\'s), repeatable', collect, [])
    .option('--bootstrap <host:port[,host:port...]>', 'run on a Kafka cluster instead of the built-in log')
    .option('--partitions <n>', 'partitions of the source topics --create-topics creates (default 1)')
    .action(async (file: string, opts: RunOptions) => {
      await runApp(file, opts);
    });
  program
    .command('describe <app>')
    .description("print the app's topology (Kafka's TopologyDescription layout, or mermaid / dot)")
    .option('--format <f>', 'text | mermaid | dot', 'text')
    .action(async (file: string, opts: { format: 'text' | 'mermaid' | 'dot' }) => {
      const app = await loadApp(file);
      process.stdout.write(app.topology().describe({ format: opts.format }));
    });
}

export interface RunOptions {
  dataDir: string;
  stateDir?: string;
  threads?: string;
  guarantee?: string;
  createTopics?: boolean;
  config: string[];
  bootstrap?: string;
  partitions?: string;
}
