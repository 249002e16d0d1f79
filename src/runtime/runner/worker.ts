/**
 * One stream thread (worker_threads). Functions cannot cross threads, so the thread loads the app module
 * itself, reaches the log through a MessagePort served by the main thread (LogStore.serveThread) and runs only its tasks.
 * Messages to the parent: started | metrics | error | closed; from the parent: close.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { LogStore } from '../../log-store/index.ts';
import type { App } from '../app.ts';
import { resolveConfig, type StreamsConfig } from '../config.ts';
import { AppRunner } from './app-runner.ts';

export interface WorkerInput {
  appModule: string;
  dataDir: string;
  stateDir: string;
  overrides: StreamsConfig;
  taskIds: string[];
  thread: number;
  /** The main thread's log (LogStore.serveThread). */
  logPort: MessagePort;
}

const input = workerData as WorkerInput;
const port = parentPort!;
const post = (m: Record<string, unknown>) => port.postMessage(m);

try {
  const mod = (await import(input.appModule)) as { default?: App };
  const app = mod.default;
  if (!app || typeof app.topology !== 'function') throw new Error(`${input.appModule} must export default defineApp(...)`);
  const config = resolveConfig(app.applicationId, { ...app.config, ...input.overrides });
  const log = LogStore.overPort(input.dataDir, input.logPort);
  const owned = new Set(input.taskIds);
  const runner = new AppRunner({
    log, topology: app.topology(), config, stateDir: input.stateDir, createTopics: false,
    taskFilter: (id) => owned.has(id), threadSuffix: `-${input.thread + 1}`,
    onLog: (line) => post({ type: 'log', line }),
    onRestore: (p) => post({ type: 'restore', progress: p }),
  });
  await runner.start();
  post({ type: 'started', tasks: input.taskIds });
  const timer = setInterval(() => {
    post({ type: 'metrics', metrics: runner.metrics() });
    if (runner.error) post({ type: 'error', message: String((runner.error as Error).message ?? runner.error) });
  }, 200);
  port.on('message', (m: { type: string }) => {
    if (m.type !== 'close') return;
    clearInterval(timer);
    runner.close()
      .then(() => log.close())
      .then(() => post({ type: 'closed', metrics: runner.metrics() }), (e: unknown) => post({ type: 'error', message: (e as Error).message, fatal: true }));
  });
} catch (e) {
  post({ type: 'error', message: (e as Error).message, fatal: true });
}
