/** app.start(options): runs an app on the built-in log in this process (API.md section 6). */
import path from 'node:path';
import { LogStore } from '../../log-store/index.ts';
import type { App, RunningApp, StartOptions } from '../app.ts';
import { resolveConfig } from '../config.ts';
import { AppRunner } from './app-runner.ts';
import type { RestoreProgress } from './restore.ts';

export interface StartExtras {
  /** An already open log (the CLI passes its own). */
  log?: LogStore;
  onLog?: (line: string) => void;
  onRestore?: (p: RestoreProgress) => void;
}

export async function startApp(app: App, options: StartOptions & StartExtras = {}): Promise<RunningApp> {
  const { dataDir = './.tributary', stateDir, createTopics, log: givenLog, onLog, onRestore, ...overrides } = options;
  const config = resolveConfig(app.applicationId, { ...app.config, ...overrides });
  const topology = app.topology();
  const log = givenLog ?? (await LogStore.open(dataDir));
  const runner = new AppRunner({
    log, topology, config, stateDir: stateDir ?? config.stateDir ?? path.join(dataDir, 'state'),
    createTopics: createTopics ?? (overrides as { createTopics?: boolean }).createTopics ?? false,
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
