/**
 * numStreamThreads > 1: the process owns the log (and serves it on its socket), plans topics once, spreads the
 * tasks over worker threads and aggregates their metrics. On a log whose group spreads tasks (Kafka), each thread
 * is a member of the group itself (Kafka's StreamThread: one consumer member each): it opens its own connection
 * to the cluster, and the group, not this file, gives it its tasks. The stores live in the threads: HTTP queries are asked
 * of every thread over its port (readThreads); the synchronous `store()` needs one stream thread.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { spreadsTasks, type LogClient } from '../log-client/client.ts';
import { serveLogOverPort } from '../log-store/remote/thread-port.ts';
import type { App, RunningApp } from './app.ts';
import type { StreamsConfig } from '../runtime/config.ts';
import type { DroppedRecord } from '../processors/types.ts';
import type { RestoreProgress } from '../runtime/runner/restore.ts';
import type { RunnerMetrics } from '../runtime/runner/app-runner.ts';
import { planTopics, type CreateTopics } from '../runtime/runner/topics.ts';
import { spread, taskIds } from '../runtime/runner/task-ids.ts';
import { observeTopic, ObserverRegistry, type ObserveOptions } from '../log-client/observe.ts';
import type { WorkerInput } from './worker.ts';
import { registerIntrospection, storeInfos, type RunnerDetail } from './introspect.ts';
import { taskInfos } from './tasks.ts';
import type { Row, StoreRead } from '../runtime/stores/query-rows.ts';
import { resolveConfig } from '../runtime/config.ts';
import type { TaskAssignment } from '../log-client/membership.ts';
import { keyQueryMetadata, routingView } from './key-owner.ts';

export interface ThreadsOptions {
  app: App;
  appModule: string;
  log: LogClient;
  dataDir: string;
  stateDir: string;
  createTopics: CreateTopics;
  overrides: StreamsConfig;
  threads: number;
  onLog: NonNullable<import('../runtime/runner/app-runner.ts').RunnerOptions['onLog']>;
  onRestore?: (p: RestoreProgress) => void;
  /** app.start()'s onDroppedRecord: the threads send each dropped record here. */
  onDroppedRecord?: (e: DroppedRecord) => void;
}

interface Msg {
  type: string; metrics?: RunnerMetrics; detail?: RunnerDetail; message?: string; fatal?: boolean; line?: string; progress?: RestoreProgress;
  record?: DroppedRecord; level?: 'error' | 'warn' | 'info' | 'debug'; fields?: Record<string, unknown>;
  id?: number; rows?: Row[]; error?: string;
  hosts?: TaskAssignment['hosts'];
}

export async function startThreads(o: ThreadsOptions): Promise<RunningApp> {
  const topology = o.app.topology();
  const plan = await planTopics(o.log, topology, o.app.applicationId, o.createTopics);
  // group membership: every thread joins and the group assigns; else the tasks are spread here, once
  const members = spreadsTasks(o.log);
  const groups = members ? Array.from({ length: o.threads }, () => []) : spread(taskIds(topology, plan), o.threads).filter((g) => g.length > 0);
  const metrics: Array<RunnerMetrics | null> = groups.map(() => null);
  // Each thread's latest counters; its commit latencies pile up here until the HTTP layer drains them.
  const details: Array<RunnerDetail | null> = groups.map(() => null);
  const latencies: number[][] = groups.map(() => []);
  let failure: Error | null = null;
  // query routing: the group's latest view, as the thread that saw the latest assignment reported it
  let hosts: TaskAssignment['hosts'] = [];
  const partitions = new Map([...plan.subtopologies].map(([id, p]) => [id, p.partitions]));
  const workers = groups.map((ids, thread) => {
    const base = { appModule: o.appModule, dataDir: o.dataDir, stateDir: o.stateDir, overrides: o.overrides, forwardDropped: o.onDroppedRecord !== undefined, taskIds: ids, thread };
    if (members) return new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: { ...base, logPort: null } satisfies WorkerInput });
    // The thread reaches the log over a MessagePort: records' bytes cross by structured clone, not JSON + base64.
    const { port1, port2 } = new MessageChannel();
    serveLogOverPort(o.log, port1);
    const data: WorkerInput = { ...base, logPort: port2 };
    return new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: data, transferList: [port2] });
  });
  // Interactive queries (HTTP) go to every thread in turn; each answers with its tasks' rows.
  let queryIds = 0;
  const pending = new Map<number, { resolve(rows: Row[]): void; reject(e: Error): void }>();
  const settleQuery = (m: Msg) => {
    const p = pending.get(m.id!);
    pending.delete(m.id!);
    if (m.error !== undefined) p?.reject(new Error(`stream thread: ${m.error}`));
    else p?.resolve(m.rows ?? []);
  };
  const ask = (w: Worker, q: StoreRead) => new Promise<Row[]>((resolve, reject) => {
    const id = ++queryIds;
    pending.set(id, { resolve, reject });
    w.postMessage({ type: 'query', id, q });
  });
  async function* readThreads(q: StoreRead): AsyncIterable<Row> {
    for (const w of workers) {
      const rows = await ask(w, q);
      yield* rows;
      if (q.type === 'key' && rows.length) return;
    }
  }
  const closed = workers.map((w, i) => new Promise<void>((resolve) => {
    w.on('message', (m: Msg) => {
      if (m.type === 'metrics' || m.type === 'closed') metrics[i] = m.metrics ?? metrics[i];
      if (m.hosts) hosts = m.hosts;
      if (m.detail) {
        details[i] = m.detail;
        if (latencies[i].length < 10_000) latencies[i].push(...m.detail.commitLatenciesMs);
      }
      if (m.type === 'log' && m.line) o.onLog(m.line, m.level, m.fields);
      if (m.type === 'restore' && m.progress) o.onRestore?.(m.progress);
      if (m.type === 'dropped' && m.record) o.onDroppedRecord?.(m.record);
      if (m.type === 'query-result' && m.id !== undefined) settleQuery(m);
      if (m.type === 'error') failure = failure ?? new Error(`stream thread ${i}: ${m.message}`);
      if (m.type === 'closed') resolve();
    });
    w.on('error', (e) => {
      o.onLog(`stopped: stream thread ${i} crashed: ${e.message}`, 'error');
      failure = failure ?? e;
      resolve();
    });
    w.on('exit', () => resolve());
  }));
  await Promise.all(workers.map((w, i) => new Promise<void>((resolve, reject) => {
    const onMsg = (m: Msg) => {
      if (m.type === 'started') {
        if (m.hosts?.length) hosts = m.hosts;
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
  const observers = new ObserverRegistry();
  const config = resolveConfig(o.app.applicationId, { ...o.app.config, ...o.overrides });
  const routing = () => routingView(config.applicationServer, hosts, partitions);
  const running: RunningApp = {
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
        threads: groups.length, processed: sum((m) => m.processed), produced: sum((m) => m.produced ?? 0), recordsPerSec: sum((m) => m.recordsPerSec),
        processedPerTask: Object.assign({}, ...ms.map((m) => m.processedPerTask)), commits: sum((m) => m.commits),
        dropped, skipped: sum((m) => m.skipped), restore: ms.flatMap((m) => m.restore),
        lag: Object.assign({}, ...ms.map((m) => m.lag ?? {})) as Record<string, number>,
      };
    },
    tasks: () => taskInfos(details.filter((d): d is RunnerDetail => d !== null)),
    async lag() {
      // as of each thread's last commit (threads report metrics every 200 ms)
      return Object.assign({}, ...metrics.map((m) => m?.lag ?? {})) as Record<string, number>;
    },
    error: () => failure,
    queryMetadataForKey: (name: string, key: unknown) => keyQueryMetadata(topology, routing(), storeInfos(o.app, config), name, key),
    observe: <K, V>(topic: string, opts?: ObserveOptions<K, V>) => observeTopic(o.log, topic, opts, observers),
    async close() {
      observers.closeAll();
      for (const w of workers) w.postMessage({ type: 'close' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise((r) => (timer = setTimeout(r, 30_000)))]);
      clearTimeout(timer); // a pending 30 s timer kept streams-run alive for 30 s after a clean stop
      await Promise.all(workers.map((w) => w.terminate()));
      await o.log.close();
    },
  };
  return registerIntrospection(running, {
    topology, threads: groups.length, stores: () => storeInfos(o.app, config), handles: () => null, readThreads, routing,
    lag: () => running.lag(),
    details: () => details.flatMap((d, i) => {
      if (!d) return [];
      const drained = latencies[i];
      latencies[i] = [];
      return [{ ...d, commitLatenciesMs: drained }];
    }),
  });
}
