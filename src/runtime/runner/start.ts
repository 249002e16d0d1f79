/** app.start(options): runs an app on the built-in log in this process (API.md section 6). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LogStore } from '../../log-store/index.ts';
import { kafkaOptionsFromConfig, openKafkaLog } from '../../kafka/index.ts';
import type { App, RunningApp, StartOptions } from '../app.ts';
import { resolveConfig } from '../config.ts';
import { AppRunner } from './app-runner.ts';
import { startThreads } from './threads.ts';
import type { CreateTopics } from './topics.ts';
import type { RestoreProgress } from './restore.ts';

export interface StartExtras {
  /** An already open log (the CLI passes its own). */
  log?: LogStore;
  onLog?: (line: string) => void;
  onRestore?: (p: RestoreProgress) => void;
  /** The app's module (path or file URL): needed by numStreamThreads > 1, whose threads load it themselves. */
  appModule?: string;
}

/** --create-topics --partitions N: new source topics get N partitions. */
function withPartitions(create: boolean, o: { [key: string]: unknown }): CreateTopics {
  return create && o.createTopicPartitions !== undefined ? { partitions: Number(o.createTopicPartitions) } : create;
}

export async function startApp(app: App, options: StartOptions & StartExtras = {}): Promise<RunningApp> {
  const { bootstrapServers } = options as { bootstrapServers?: string | string[] };
  const { dataDir = './.tributary', stateDir, createTopics, log: givenLog, onLog, onRestore, appModule, ...overrides } = options;
  const config = resolveConfig(app.applicationId, { ...app.config, ...overrides });
  const topology = app.topology();
  const log = givenLog ?? (bootstrapServers !== undefined
    ? await openKafkaLog({ ...kafkaOptionsFromConfig(options), onLog: onLog ?? ((l) => process.stderr.write(l + '\n')) })
    : await LogStore.open(dataDir));
  if (config.numStreamThreads > 1) {
    if (!appModule) {
      if (!givenLog) await log.close();
      throw new Error(`numStreamThreads ${config.numStreamThreads} needs the app's module, since each thread loads it itself: run it with streams-run, or pass app.start({ appModule: import.meta.url, ... }) from the module that defines the app.`);
    }
    const jsonSafe = Object.fromEntries(Object.entries(overrides).filter(([, v]) => typeof v !== 'function' && !(typeof v === 'object' && v !== null && 'serialize' in v)));
    return startThreads({
      app, appModule: appModule.startsWith('file:') ? appModule : pathToFileURL(path.resolve(appModule)).href, log, dataDir,
      stateDir: stateDir ?? config.stateDir ?? path.join(dataDir, 'state'), createTopics: withPartitions(createTopics ?? false, overrides),
      overrides: jsonSafe, threads: config.numStreamThreads, onLog: onLog ?? ((l) => process.stderr.write(l + '\n')), onRestore,
    });
  }
  const runner = new AppRunner({
    log, topology, config, stateDir: stateDir ?? config.stateDir ?? path.join(dataDir, 'state'),
    createTopics: withPartitions(createTopics ?? (overrides as { createTopics?: boolean }).createTopics ?? false, overrides),
    onLog: onLog ?? ((l) => process.stderr.write(l + '\n')), onRestore,
  });
  try {
    await runner.start();
  } catch (e) {
    if (!givenLog) await log.close();
    throw e;
  }
  let closed = false;
  return {
    applicationId: app.applicationId,
    store: <S>(name: string) => runner.store(name) as S,
    metrics: () => ({ ...runner.metrics() }),
    lag: () => runner.lag(),
    error: () => runner.error,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await runner.close();
      } finally {
        if (!givenLog) await log.close();
      }
    },
  } as RunningApp;
}
