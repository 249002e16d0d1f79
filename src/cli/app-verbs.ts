/**
 * App verbs: `streams-run app.ts` (run; the default verb) and `streams-run describe app.ts`.
 * `.js`/`.mjs` app modules load with plain Node, `.ts`/`.mts` through tsx (load-module.ts): no build step.
 */
import type { Command } from 'commander';
import { loadApp } from '../app/load-app.ts';
import { DEFAULT_DATA_DIR } from './open-log.ts';
import { runApp, type RunOptions } from './run.ts';
import { createLogger, parseFormat, parseLevel, setRootLogger } from '../runtime/logging/logger.ts';
import { positiveInt } from './options.ts';

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function registerAppVerbs(program: Command): void {
  program
    .command('run <app>', { isDefault: true })
    .description('run an app (a module whose default export is defineApp(...)) on the built-in log')
    .option('--data-dir <dir>', 'data directory of the built-in log', DEFAULT_DATA_DIR)
    .option('--state-dir <dir>', 'state directory (default <data-dir>/state)')
    .option('--threads <n>', 'stream threads (numStreamThreads, >= 1)', positiveInt('--threads'))
    .option('--guarantee <g>', 'at_least_once | exactly_once')
    .option('--create-topics', 'create missing source topics (1 partition)')
    .option('--config <key=value>', 'a config key (camelCase of Kafka\'s), repeatable; JSON values parse (--config processingExceptionHandler=\'{"deadLetterTopic":"dlq"}\')', collect, [])
    .option('--bootstrap <host:port[,host:port...]>', 'run on a Kafka cluster instead of the built-in log')
    .option('--partitions <n>', 'partitions of the source topics --create-topics creates (default 1)', positiveInt('--partitions'))
    .option('--http <[host:]port>', 'serve queries, /metrics and the live page (binds 127.0.0.1 unless a host is given)')
    .option('--log-level <level>', 'error | warn | info | debug', 'info')
    .option('--log-format <format>', 'text (for people) | json (pino NDJSON, for log pipelines)', 'text')
    .option('--status-interval <seconds>', 'status every N s: a line redrawn in place on a TTY (default 2), a log line otherwise (default 10); 0 = off')
    .action(async (file: string, opts: RunOptions) => {
      setRootLogger(createLogger({ level: parseLevel(opts.logLevel), format: parseFormat(opts.logFormat) }));
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
