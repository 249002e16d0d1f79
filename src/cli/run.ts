/**
 * `streams-run app.ts`: starts the app, shows restore progress and a status line on stderr (logging/), and shuts
 * down gracefully on SIGINT/SIGTERM (finish the batch, commit, close stores, exit 0); a second signal exits at once.
 */
import { checkConfigKeys, type StreamsConfig } from '../runtime/config.ts';
import { startApp } from '../app/start.ts';
import { loadApp } from '../app/load-app.ts';
import { seedSampleInput } from './sample-input.ts';
import { parseConfigPairs, redactSecrets } from './options.ts';
import { parseHttpAddress } from '../http/address.ts';
import '../http/register.ts';
import type { RunningApp } from '../app/app.ts';
import { logLine, markReported, rootLogger } from '../runtime/logging/logger.ts';
import { RestoreReporter } from '../runtime/logging/restore-report.ts';
import { StatusReporter } from '../runtime/logging/status.ts';

function parseConfig(pairs: string[]): StreamsConfig {
  const out = parseConfigPairs(pairs);
  checkConfigKeys(out, '--config');
  return out as StreamsConfig;
}

export async function runApp(file: string, opts: RunOptions): Promise<void> {
  const app = await loadApp(file);
  const config = parseConfig(opts.config);
  if (opts.guarantee) config.processingGuarantee = opts.guarantee as StreamsConfig['processingGuarantee'];
  if (opts.threads !== undefined) config.numStreamThreads = opts.threads;
  if (opts.bootstrap) config.bootstrapServers = opts.bootstrap;
  const logger = rootLogger();
  // kafka.sasl.password and TLS keys stay out of the log
  const shown = redactSecrets({ ...app.config, ...config });
  logger.debug(`starting ${app.applicationId} with config ${JSON.stringify(shown)}`, { event: 'config', applicationId: app.applicationId, config: shown });
  // the sample input seeds the built-in log only: a Kafka cluster's topics are the user's
  if (!opts.bootstrap) await seedSampleInput(file, opts.dataDir, (line) => logLine(logger)(line, 'info'));
  const restore = new RestoreReporter(logger);
  const status = new StatusReporter(logger, restore, { applicationId: app.applicationId, intervalMs: statusIntervalMs(opts.statusInterval, logger.interactive) });
  status.start();
  let running: RunningApp;
  try {
    running = await startApp(app, {
      ...config, appModule: file,
      ...(opts.http ? { http: parseHttpAddress(opts.http), httpAuthToken: config.httpAuthToken } : {}), dataDir: opts.dataDir, stateDir: opts.stateDir, createTopics: opts.createTopics,
      ...(opts.partitions !== undefined ? { createTopicPartitions: opts.partitions } : {}),
      onLog: logLine(logger), onRestore: restore.onProgress,
    });
  } catch (e) {
    status.stop();
    throw e;
  }
  status.attach(running);
  logger.info(`${app.applicationId} running on ${opts.bootstrap ? `Kafka at ${opts.bootstrap}` : opts.dataDir} (Ctrl-C to stop)`, { event: 'running', applicationId: app.applicationId, dataDir: opts.dataDir });
  if (running.httpUrl) logger.info(`http on ${running.httpUrl} (live page, /metrics, /stores)`, { event: 'http', url: running.httpUrl });
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
        status.stop();
        // the runner has logged it ('stopped: ...'): the CLI's last-resort handler need not print it again
        running.close().then(() => reject(markReported(err)), () => reject(markReported(err)));
      }, 100);
      onSignal = () => {
        signals++;
        if (signals > 1) {
          logger.warn('second signal, exiting at once (the next start recovers).');
          process.exit(130);
        }
        clearInterval(watch);
        status.stop();
        logger.info('stopping (commit, close stores)...', { event: 'stopping' });
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
  logger.info('stopped cleanly.', { event: 'stopped' });
}

/** --status-interval <seconds>: 2 s on a TTY (the line redrawn in place), 10 s otherwise (a log line); 0 turns it off. */
function statusIntervalMs(opt: string | undefined, interactive: boolean): number {
  if (opt === undefined) return interactive ? 2000 : 10_000;
  const s = Number(opt);
  if (!Number.isFinite(s) || s < 0) throw new Error(`--status-interval expects seconds (0 turns the status off), got '${opt}'.`);
  return Math.round(s * 1000);
}

export interface RunOptions {
  dataDir: string;
  stateDir?: string;
  threads?: number;
  guarantee?: string;
  createTopics?: boolean;
  config: string[];
  bootstrap?: string;
  partitions?: number;
  http?: string;
  logLevel?: string;
  logFormat?: string;
  statusInterval?: string;
}
