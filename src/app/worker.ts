/**
 * One stream thread (worker_threads). Functions cannot cross threads, so the thread loads the app module
 * itself, reaches the log through a MessagePort served by the main thread (serveLogOverPort) and runs only its tasks.
 * On Kafka (no port given) it opens its own connection to the cluster with the app's settings instead, so that it is
 * a group member of its own and the group gives it its tasks.
 * Messages to the parent: started | metrics | log | restore | dropped | error | closed (started and metrics carry the
 * group's `hosts` for query routing when they changed); from the parent: close.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { logOverPort } from '../log-store/remote/thread-port.ts';
import { loadApp } from './load-app.ts';
import type { DroppedRecord } from '../processors/types.ts';
import { resolveConfig, type StreamsConfig } from '../runtime/config.ts';
import type { LogClient } from '../log-client/client.ts';
import { AppRunner } from '../runtime/runner/app-runner.ts';
import { readRows, type Row, type StoreRead } from '../runtime/stores/query-rows.ts';
import type { StoreHandle } from '../runtime/stores/stores.ts';

export interface WorkerInput {
  appModule: string;
  dataDir: string;
  stateDir: string;
  overrides: StreamsConfig;
  /** Send dropped records to the main thread (app.start() was given an onDroppedRecord). */
  forwardDropped: boolean;
  taskIds: string[];
  thread: number;
  /** The main thread's log (serveLogOverPort), or null: the thread opens its own (Kafka: one group member per thread). */
  logPort: MessagePort | null;
}

const input = workerData as WorkerInput;
const port = parentPort!;
const post = (m: Record<string, unknown>) => port.postMessage(m);

try {
  const app = await loadApp(input.appModule);
  const onDroppedRecord = input.forwardDropped ? (record: DroppedRecord) => post({ type: 'dropped', record }) : undefined;
  const config = resolveConfig(app.applicationId, { ...app.config, ...input.overrides, ...(onDroppedRecord ? { onDroppedRecord } : {}) });
  const log = input.logPort
    ? logOverPort(`${input.dataDir} (through the main thread)`, input.logPort)
    : await openOwnLog({ ...app.config, ...input.overrides });
  const owned = new Set(input.taskIds);
  const runner = new AppRunner({
    log, topology: app.topology(), config, stateDir: input.stateDir, createTopics: false,
    taskFilter: (id) => owned.has(id), threadSuffix: `-${input.thread + 1}`,
    onLog: (line, level, fields) => post({ type: 'log', line, level, fields }),
    onRestore: (p) => post({ type: 'restore', progress: p }),
  });
  await runner.start();
  // the group's view for query routing (KafkaStreams.queryMetadataForKey in the main thread): sent when it changes
  let hosts = runner.hosts;
  post({ type: 'started', tasks: input.taskIds, hosts });
  const timer = setInterval(() => {
    const changed = runner.hosts !== hosts;
    hosts = runner.hosts;
    post({ type: 'metrics', metrics: runner.metrics(), detail: runner.detail(), ...(changed ? { hosts } : {}) });
    if (runner.error) post({ type: 'error', message: String((runner.error as Error).message ?? runner.error) });
  }, 200);
  port.on('message', (m: { type: string; id?: number; q?: StoreRead }) => {
    if (m.type === 'query') {
      answerQuery(runner, m.id!, m.q!);
      return;
    }
    if (m.type !== 'close') return;
    clearInterval(timer);
    runner.close()
      .then(() => log.close())
      .then(() => post({ type: 'closed', metrics: runner.metrics() }), (e: unknown) => post({ type: 'error', message: (e as Error).message, fatal: true }));
  });
} catch (e) {
  post({ type: 'error', message: (e as Error).message, fatal: true });
}

/** An interactive query of the main thread (HTTP): the rows of this thread's tasks, or none when it has no such store. */
function answerQuery(runner: AppRunner, id: number, q: StoreRead): void {
  let handles: StoreHandle[];
  try {
    handles = runner.store(q.store).handles;
  } catch {
    post({ type: 'query-result', id, rows: [] });
    return;
  }
  (async () => {
    const rows: Row[] = [];
    for await (const r of readRows(handles, q)) rows.push(r);
    return rows;
  })().then((rows) => post({ type: 'query-result', id, rows }), (e: unknown) => post({ type: 'query-result', id, error: (e as Error).message }));
}

/** This thread's own connection to the Kafka cluster, with the same settings as the main thread's. */
async function openOwnLog(settings: StreamsConfig): Promise<LogClient> {
  if (settings.bootstrapServers === undefined) {
    throw new Error('stream thread: no log port and no bootstrapServers: a thread opens its own log only on Kafka (the built-in log is reached through the main thread).');
  }
  const { kafkaLogLevel, kafkaOptionsFromConfig, openKafkaLog } = await import('../kafka/index.ts');
  return openKafkaLog({ ...kafkaOptionsFromConfig(settings), onLog: (line) => post({ type: 'log', line, level: kafkaLogLevel(line) }) });
}
