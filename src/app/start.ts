/** app.start(options): runs an app on the built-in log in this process (API.md section 6). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LogStore } from '../log-store/index.ts';
import type { LogClient } from '../log-client/client.ts';
import type { CreateTopics } from '../runtime/runner/topics.ts';
import type { App, RunningApp, StartOptions } from './app.ts';
import { checkConfigKeys, resolveConfig, type StreamsConfig } from '../runtime/config.ts';
import { AppRunner, type RunnerOptions } from '../runtime/runner/app-runner.ts';
import { logLine } from '../runtime/logging/logger.ts';
import { observeTopic, ObserverRegistry, type ObserveOptions } from '../log-client/observe.ts';
import { startThreads } from './threads.ts';
import type { RestoreProgress } from '../runtime/runner/restore.ts';
import { registerIntrospection, storeInfos } from './introspect.ts';
import { taskInfos } from './tasks.ts';
import { keyQueryMetadata, routingView } from './key-owner.ts';
import { httpServerFactory, type HttpAttachment } from './http-hook.ts';

export interface StartExtras {
  /** An already open log (the CLI passes its own). */
  log?: LogClient;
  /** Log lines of the runner (default: the process's logger, see runtime/logging/logger.ts). */
  onLog?: RunnerOptions['onLog'];
  onRestore?: (p: RestoreProgress) => void;
}

export async function startApp(app: App, options: StartOptions & StartExtras = {}): Promise<RunningApp> {
  const { http, httpAuthToken, onRestore, ...rest } = options;
  // The HTTP server starts first, so /health answers and /ready says 503 while stores restore.
  const server = http ? await httpServerFactory()({ app, http, authToken: httpAuthToken ?? (app.config.httpAuthToken as string | undefined) }) : null;
  let running: RunningApp;
  try {
    running = await startLocal(app, { ...rest, onRestore: server ? (p) => { server.onRestore(p); onRestore?.(p); } : onRestore });
  } catch (e) {
    await server?.close();
    throw e;
  }
  if (!server) return running;
  server.attach(running);
  return withServer(running, server);
}

function withServer(running: RunningApp, server: HttpAttachment): RunningApp {
  const close = running.close.bind(running);
  Object.defineProperty(running, 'close', {
    value: async () => {
      await server.close();
      await close();
    },
  });
  Object.defineProperty(running, 'httpUrl', { value: server.url, enumerable: true });
  return running;
}

async function startLocal(app: App, options: StartOptions & StartExtras): Promise<RunningApp> {
  const { dataDir = './.tributary', stateDir, createTopics: create, createTopicPartitions, log: givenLog, onLog, onRestore, appModule, ...overrides } = options;
  checkConfigKeys(overrides, 'app.start()', ['dataDir']);
  const config = resolveConfig(app.applicationId, { ...app.config, ...overrides });
  const topology = app.topology();
  // --create-topics --partitions N: new source topics get N partitions
  const createTopics: CreateTopics = create && createTopicPartitions !== undefined ? { partitions: createTopicPartitions } : create ?? false;
  const settings = { ...app.config, ...overrides };
  const log = givenLog ?? await openLog(app.applicationId, dataDir, settings, onLog ?? logLine());
  if (config.numStreamThreads > 1) {
    if (!appModule) {
      if (!givenLog) await log.close();
      throw new Error(`numStreamThreads ${config.numStreamThreads} needs the app's module, since each thread loads it itself: run it with streams-run, or pass app.start({ appModule: import.meta.url, ... }) from the module that defines the app.`);
    }
    const { onDroppedRecord, ...rest } = overrides as StreamsConfig;
    const notCloneable = Object.entries(rest).filter(([, v]) => typeof v === 'function' || (typeof v === 'object' && v !== null && 'serialize' in v));
    if (notCloneable.length > 0) {
      if (!givenLog) await log.close();
      const keys = notCloneable.map(([k]) => k).join(', ');
      throw new Error(`app.start({ ${keys} }) with numStreamThreads ${config.numStreamThreads}: each stream thread loads the app module itself and cannot receive functions or serdes from app.start(); set ${keys} in defineApp({ config: { ... } }) instead, or run with numStreamThreads: 1.`);
    }
    return startThreads({
      app, appModule: appModule.startsWith('file:') ? appModule : pathToFileURL(path.resolve(appModule)).href, log, dataDir,
      stateDir: stateDir ?? config.stateDir ?? path.join(dataDir, 'state'), createTopics,
      overrides: rest, threads: config.numStreamThreads, onLog: onLog ?? logLine(), onRestore, onDroppedRecord,
    });
  }
  const runner = new AppRunner({
    log, topology, config, stateDir: stateDir ?? config.stateDir ?? path.join(dataDir, 'state'),
    createTopics,
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
  const routing = () => routingView(config.applicationServer, runner.hosts, runner.partitions);
  const running = {
    applicationId: app.applicationId,
    store: <S>(name: string) => runner.store(name) as S,
    metrics: () => ({ ...runner.metrics() }),
    tasks: () => taskInfos([runner.taskStates()]),
    lag: () => runner.lag(),
    error: () => runner.error,
    queryMetadataForKey: (name: string, key: unknown) => keyQueryMetadata(topology, routing(), storeInfos(app, config), name, key),
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
  return registerIntrospection(running, {
    topology, threads: 1, stores: () => storeInfos(app, config), details: () => [runner.detail()], lag: () => runner.lag(), routing,
    handles: (name) => {
      try {
        return runner.store(name).handles;
      } catch {
        return [];
      }
    },
  });
}

/**
 * The app's log: a Kafka cluster when bootstrapServers is set (API.md section 7), else the built-in log in the data
 * dir. Several apps on one data dir (a pipeline): the first owns the log, the others use it through its socket.
 */
async function openLog(appId: string, dataDir: string, settings: StreamsConfig, log: NonNullable<RunnerOptions['onLog']>): Promise<LogClient> {
  // applicationServer, numStandbyReplicas, sessionTimeoutMs and groupProtocol reach each stream thread's group
  // membership (StreamsMemberInfo, app-runner.ts). The built-in log has no group that spreads tasks: say so.
  const kafkaOnly = (['applicationServer', 'numStandbyReplicas', 'groupProtocol'] as const).filter((k) => settings[k] !== undefined);
  if (kafkaOnly.length && settings.bootstrapServers === undefined) {
    log(`config ${kafkaOnly.join(', ')}: applies on Kafka (bootstrapServers) only; on the built-in log one instance owns every task. Ignored.`, 'warn');
  }
  if (settings.bootstrapServers !== undefined) {
    // loaded only for Kafka: the built-in log's apps do not pay for the Kafka client
    const { kafkaLogLevel, kafkaOptionsFromConfig, openKafkaLog } = await import('../kafka/index.ts');
    return openKafkaLog({ ...kafkaOptionsFromConfig(settings), onLog: (l) => log(l, kafkaLogLevel(l)) });
  }
  const store = await LogStore.open(dataDir, { ifLocked: 'connect' });
  if (store.mode === 'client') {
    log(`${dataDir} is owned by process ${store.ownerPid}; ${appId} uses its log through its socket (and stops if that process stops)`, 'info');
  }
  return store;
}
