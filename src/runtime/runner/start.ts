/** app.start(options): runs an app on the built-in log in this process (API.md section 6). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LogStore } from '../../log-store/index.ts';
import type { App, RunningApp, StartOptions } from '../app.ts';
import { resolveConfig } from '../config.ts';
import { AppRunner, type RunnerOptions } from './app-runner.ts';
import { logLine } from '../logging/logger.ts';
import { startThreads } from './threads.ts';
import type { RestoreProgress } from './restore.ts';
import { observeTopic, ObserverRegistry, type ObserveOptions } from '../../bridges/observe.ts';

export interface StartExtras {
  /** An already open log (the CLI passes its own). */
  log?: LogStore;
  /** Log lines of the runner (default: the process's logger, see logging/logger.ts). */
  onLog?: RunnerOptions['onLog'];
  onRestore?: (p: RestoreProgress) => void;
  /** The app's module (path or file URL): needed by numStreamThreads > 1, whose threads load it themselves. */
  appModule?: string;
}

export async function startApp(app: App, options: StartOptions & StartExtras = {}): Promise<RunningApp> {
  const { dataDir = './.tributary', stateDir, createTopics, log: givenLog, onLog, onRestore, appModule, ...overrides } = options;
  const config = resolveConfig(app.applicationId, { ...app.config, ...overrides });
  const topology = app.topology();
  const log = givenLog ?? (await LogStore.open(dataDir));
  if (config.numStreamThreads > 1) {
    if (!appModule) {
      if (!givenLog) await log.close();
      throw new Error(`numStreamThreads ${config.numStreamThreads} needs the app's module, since each thread loads it itself: run it with streams-run, or pass app.start({ appModule: import.meta.url, ... }) from the module that defines the app.`);
    }
    const jsonSafe = Object.fromEntries(Object.entries(overrides).filter(([, v]) => typeof v !== 'function' && !(typeof v === 'object' && v !== null && 'serialize' in v)));
    return startThreads({
      app, appModule: appModule.startsWith('file:') ? appModule : pathToFileURL(path.resolve(appModule)).href, log, dataDir,
      stateDir: stateDir ?? config.stateDir ?? path.join(dataDir, 'state'), createTopics: createTopics ?? false,
      overrides: jsonSafe, threads: config.numStreamThreads, onLog: onLog ?? logLine(), onRestore,
    });
  }
  const runner = new AppRunner({
    log, topology, config, stateDir: stateDir ?? config.stateDir ?? path.join(dataDir, 'state'),
    createTopics: createTopics ?? (overrides as { createTopics?: boolean }).createTopics ?? false,
    onLog: onLog ?? logLine(), onRestore,
  });
  try {
    await runner.start();
  } catch (e) {
    if (!givenLog) await log.close();
    throw e;
  }
  let closed = false;
  const observers = new ObserverRegistry();
  return {
    applicationId: app.applicationId,
    store: <S>(name: string) => runner.store(name) as S,
    metrics: () => ({ ...runner.metrics() }),
    lag: () => runner.lag(),
    error: () => runner.error,
    observe: (topic: string, o?: ObserveOptions<unknown, unknown>) => observeTopic(log, topic, o, observers),
    async close() {
      if (closed) return;
      closed = true;
      observers.closeAll();
      try {
        await runner.close();
      } finally {
        if (!givenLog) await log.close();
      }
    },
  } as RunningApp;
}
