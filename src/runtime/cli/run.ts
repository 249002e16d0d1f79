/**
 * `streams-run app.ts`: starts the app, shows restore progress and a status line on stderr, and shuts down
 * gracefully on SIGINT/SIGTERM (finish the batch, commit, close stores, exit 0); a second signal exits at once.
 */
import type { StreamsConfig } from '../config.ts';
import { startApp } from '../runner/start.ts';
import { loadApp, type RunOptions } from './app-verbs.ts';
import { seedSampleInput } from './sample-input.ts';

function parseConfig(pairs: string[]): StreamsConfig {
  const out: StreamsConfig = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`--config expects key=value, got '${p}'.`);
    const key = p.slice(0, i);
    const raw = p.slice(i + 1);
    out[key] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

export async function runApp(file: string, opts: RunOptions): Promise<void> {
  const app = await loadApp(file);
  const config = parseConfig(opts.config);
  if (opts.guarantee) config.processingGuarantee = opts.guarantee as StreamsConfig['processingGuarantee'];
  if (opts.threads) config.numStreamThreads = Number(opts.threads);
  if (opts.bootstrap) config.bootstrapServers = opts.bootstrap;
  if (opts.partitions) config.createTopicPartitions = Number(opts.partitions);
  // the sample input seeds the built-in log only: a Kafka cluster's topics are the user's
  if (!opts.bootstrap) await seedSampleInput(file, opts.dataDir, (l) => process.stderr.write(l + '\n'));
  const running = await startApp(app, {
    ...config, appModule: file, dataDir: opts.dataDir, stateDir: opts.stateDir, createTopics: opts.createTopics ?? (config.createTopics as boolean | undefined),
    onRestore: (p) => p.total > 0 && process.stderr.write(p.done
      ? `restored ${p.store} (${p.topic}-${p.partition}) from offset ${p.from}: ${p.restored} records, ${p.recordsPerSec} rec/s\n`
      : `restoring ${p.store} (${p.topic}-${p.partition}) from offset ${p.from}: ${p.restored}/${p.total} records, ${p.recordsPerSec} rec/s, ETA ${Math.ceil(p.etaMs / 1000)} s\n`),
  });
  process.stderr.write(`streams-run: ${app.applicationId} running on ${opts.bootstrap ? `Kafka at ${opts.bootstrap}` : opts.dataDir} (Ctrl-C to stop)\n`);
  let signals = 0;
  let onSignal: () => void = () => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      // A failure inside the loop (e.g. a 'fail' error handler) stops the app: close, then exit non-zero. The
      // watch stays ref'd so that the process waits for it rather than ending with an unsettled promise.
      const watch = setInterval(() => {
        const err = running.error();
        if (!err || signals > 0) return;
        clearInterval(watch);
        running.close().then(() => reject(err), () => reject(err));
      }, 100);
      onSignal = () => {
        signals++;
        if (signals > 1) {
          process.stderr.write('streams-run: second signal, exiting at once (the next start recovers).\n');
          process.exit(130);
        }
        clearInterval(watch);
        process.stderr.write('streams-run: stopping (commit, close stores)...\n');
        running.close().then(() => {
          const err = running.error();
          if (err) reject(err);
          else resolve();
        }, reject);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  } finally {
    if (signals === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  process.stderr.write('streams-run: stopped cleanly.\n');
}
