/**
 * numStreamThreads > 1: the process owns the log (and serves it on its socket), plans topics once, spreads the
 * tasks over worker threads and aggregates their metrics. Interactive queries need the stores in this thread,
 * so `store()` is only available with one stream thread.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { LogStore } from '../../log-store/index.ts';
import type { App, RunningApp } from '../app.ts';
import type { StreamsConfig } from '../config.ts';
import type { RestoreProgress } from './restore.ts';
import type { RunnerMetrics } from './app-runner.ts';
import { planTopics, type CreateTopics } from './topics.ts';
import { spread, taskIds } from './task-ids.ts';
import type { WorkerInput } from './worker.ts';

export interface ThreadsOptions {
  app: App;
  appModule: string;
  log: LogStore;
  dataDir: string;
  stateDir: string;
  createTopics: CreateTopics;
  overrides: StreamsConfig;
  threads: number;
  onLog: (line: string) => void;
  onRestore?: (p: RestoreProgress) => void;
}

interface Msg { type: string; metrics?: RunnerMetrics; message?: string; fatal?: boolean; line?: string; progress?: RestoreProgress }

export async function startThreads(o: ThreadsOptions): Promise<RunningApp> {
  const topology = o.app.topology();
  const plan = await planTopics(o.log, topology, o.app.applicationId, o.createTopics);
  const groups = spread(taskIds(topology, plan), o.threads).filter((g) => g.length > 0);
  const metrics: Array<RunnerMetrics | null> = groups.map(() => null);
  let failure: Error | null = null;
  const workers = groups.map((ids, thread) => {
    // The thread reaches the log over a MessagePort: records' bytes cross by structured clone, not JSON + base64.
    const { port1, port2 } = new MessageChannel();
    o.log.serveThread(port1);
    const data: WorkerInput = { appModule: o.appModule, dataDir: o.dataDir, stateDir: o.stateDir, overrides: o.overrides, taskIds: ids, thread, logPort: port2 };
    return new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: data, transferList: [port2] });
  });
  const closed = workers.map((w, i) => new Promise<void>((resolve) => {
    w.on('message', (m: Msg) => {
      if (m.type === 'metrics' || m.type === 'closed') metrics[i] = m.metrics ?? metrics[i];
      if (m.type === 'log' && m.line) o.onLog(m.line);
      if (m.type === 'restore' && m.progress) o.onRestore?.(m.progress);
      if (m.type === 'error') failure = failure ?? new Error(`stream thread ${i}: ${m.message}`);
      if (m.type === 'closed') resolve();
    });
    w.on('error', (e) => {
      failure = failure ?? e;
      resolve();
    });
    w.on('exit', () => resolve());
  }));
  await Promise.all(workers.map((w, i) => new Promise<void>((resolve, reject) => {
    const onMsg = (m: Msg) => {
      if (m.type === 'started') {
        w.off('message', onMsg);
        resolve();
      } else if (m.type === 'error' && m.fatal) {
        w.off('message', onMsg);
        reject(new Error(`stream thread ${i} failed to start: ${m.message}`));
      }
    };
    w.on('message', onMsg);
  }))).catch(async (e: unknown) => {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  });
  return {
    applicationId: o.app.applicationId,
    store(name: string): never {
      throw new Error(`store('${name}'): interactive queries need numStreamThreads: 1 (with ${o.threads} threads the stores live in the worker threads).`);
    },
    metrics() {
      const ms = metrics.filter((m): m is RunnerMetrics => m !== null);
      const sum = (f: (m: RunnerMetrics) => number) => ms.reduce((n, m) => n + f(m), 0);
      const dropped: Record<string, number> = {};
      for (const m of ms) for (const [k, v] of Object.entries(m.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
      return {
        threads: groups.length, processed: sum((m) => m.processed), recordsPerSec: sum((m) => m.recordsPerSec),
        processedPerTask: Object.assign({}, ...ms.map((m) => m.processedPerTask)), commits: sum((m) => m.commits),
        dropped, skipped: sum((m) => m.skipped), restore: ms.flatMap((m) => m.restore),
        lag: Object.assign({}, ...ms.map((m) => m.lag ?? {})) as Record<string, number>,
      };
    },
    async lag() {
      // as of each thread's last commit (threads report metrics every 200 ms)
      return Object.assign({}, ...metrics.map((m) => m?.lag ?? {})) as Record<string, number>;
    },
    error: () => failure,
    async close() {
      for (const w of workers) w.postMessage({ type: 'close' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise((r) => (timer = setTimeout(r, 30_000)))]);
      clearTimeout(timer); // a pending 30 s timer kept streams-run alive for 30 s after a clean stop
      await Promise.all(workers.map((w) => w.terminate()));
      await o.log.close();
    },
  };
}
