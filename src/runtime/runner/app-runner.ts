/**
 * Runs an app on the built-in log: plans topics, creates one task per (sub-topology, partition) with its stores
 * under <stateDir>/<applicationId>/<taskId>, restores them from changelogs, then loops: poll a batch, run it
 * through the tasks (per task, the next record comes from the partition with the lowest timestamp), punctuate,
 * and commit every commitIntervalMs (flush stores -> changelog + outputs -> input offsets; one transaction under
 * exactly_once). Batches, not records, pay for I/O: one sendBatch and one commit per interval.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Headers } from '../../api/records.ts';
import type { Consumer, ConsumerRecord, LogStore, Producer, ProducerRecord } from '../../log-store/index.ts';
import type { Topology } from '../../topology/topology.ts';
import type { ResolvedConfig } from '../config.ts';
import { createStore, type StoreHandle } from '../stores.ts';
import { Task } from '../task.ts';
import type { CacheBudget } from '../../state/types.ts';
import { deleteCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { restoreStore, type RestoreProgress } from './restore.ts';
import { planTopics, type CreateTopics, type TopicPlan } from './topics.ts';
import { StoreQuery } from './store-query.ts';
import { processId } from './process-id.ts';

export interface RunnerOptions {
  log: LogStore;
  topology: Topology;
  config: ResolvedConfig;
  stateDir: string;
  createTopics: CreateTopics;
  onLog?: (line: string) => void;
  onRestore?: (p: RestoreProgress) => void;
  /** Stream threads: only the tasks this thread owns (all when absent). */
  taskFilter?: (taskId: string) => boolean;
  /** Stream threads: makes the transactional id unique per thread. */
  threadSuffix?: string;
}

interface TaskState {
  task: Task;
  taskDir: string;
  stores: Map<string, StoreHandle>;
  changelogEnd: Map<string, number>;
  /** Next offset to commit per input topic-partition key. */
  positions: Map<string, { topic: string; partition: number; offset: number }>;
  /** Polled records per input topic-partition key, with that partition's position. */
  queues: Map<string, InputQueue>;
}

interface InputQueue {
  records: ConsumerRecord[];
  position: { topic: string; partition: number; offset: number };
}

export interface RunnerMetrics {
  processed: number;
  processedPerTask: Record<string, number>;
  recordsPerSec: number;
  commits: number;
  lastCommitMs: number;
  dropped: Record<string, number>;
  skipped: number;
  restore: RestoreProgress[];
  lag: Record<string, number>;
}

export class AppRunner {
  private readonly tasks = new Map<string, TaskState>();
  private readonly byInput = new Map<string, TaskState>();
  /** Changelog topic-partition -> the task whose checkpoint records its end offset. */
  private readonly changelogOwner = new Map<string, TaskState>();
  private globalTask: Task | null = null;
  private readonly globalStores = new Map<string, StoreHandle>();
  private consumer!: Consumer;
  private globalConsumer: Consumer | null = null;
  private producer!: Producer;
  private buffer: ProducerRecord[] = [];
  private pendingSends: Promise<unknown>[] = [];
  private plan!: TopicPlan;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly started = Date.now();
  private lastCommit = Date.now();
  private readonly restoreProgress = new Map<string, RestoreProgress>();
  private lagCache: Record<string, number> = {};
  readonly metricsState = { commits: 0, lastCommitMs: 0 };

  /** This thread's share of the record cache, for all its tasks' stores (see cacheShare). */
  private readonly threadCache: CacheBudget;

  constructor(private readonly o: RunnerOptions) {
    this.threadCache = cacheShare(o);
  }

  private get eos(): boolean {
    return this.o.config.processingGuarantee === 'exactly_once';
  }

  async start(): Promise<void> {
    const { log, topology, config } = this.o;
    const appId = config.applicationId;
    this.plan = await planTopics(log, topology, appId, this.o.createTopics);
    // transactional.id = <applicationId>-<processId>-<threadIndex> (Kafka Streams 4.4's exactly_once_v2)
    this.producer = this.eos
      ? log.producer({ transactionalId: `${appId}-${processId(this.o.stateDir, appId)}${this.o.threadSuffix ?? '-1'}` })
      : log.producer();
    const isolation = this.eos ? 'read_committed' : 'read_uncommitted';
    await this.startGlobal(isolation);
    for (const sub of topology.subtopologies) {
      if (sub.global) continue;
      const sp = this.plan.subtopologies.get(sub.id)!;
      for (let p = 0; p < sp.partitions; p++) {
        if (this.o.taskFilter && !this.o.taskFilter(`${sub.id}_${p}`)) continue;
        await this.createTask(sub.id, sub.nodes, p, sp.topics, isolation);
      }
    }
    this.consumer = log.consumer({ groupId: appId, autoOffsetReset: 'earliest', isolation });
    // per task, not per input partition: a task reading several partitions (a join) must not be assigned twice,
    // or every record of its partitions is fetched and processed twice
    this.consumer.assign([...this.tasks.values()].flatMap((ts) => [...ts.positions.values()].map(({ topic, partition }) => ({ topic, partition }))));
    for (const ts of this.tasks.values()) {
      for (const pos of ts.positions.values()) pos.offset = await this.consumer.position({ topic: pos.topic, partition: pos.partition });
    }
    if (this.eos) this.producer.beginTransaction();
    this.loopDone = this.loop().catch((e) => {
      this.failure = e;
      this.o.onLog?.(`streams-run: stopped: ${(e as Error).message}`);
    });
  }

  private async startGlobal(isolation: 'read_committed' | 'read_uncommitted'): Promise<void> {
    const { topology, config, log } = this.o;
    const nodes = new Set(topology.subtopologies.filter((s) => s.global).flatMap((s) => s.nodes));
    if (!nodes.size) return;
    for (const spec of topology.stores.values()) {
      if (spec.global) this.globalStores.set(spec.name, createStore(spec, this.storeOptions()));
    }
    this.globalTask = new Task({
      topology, nodes, taskId: 'global', partition: 0, config, stores: this.globalStores,
      taskDir: path.join(this.o.stateDir, config.applicationId, 'global'),
      output: { send: () => undefined }, wallClock: Date.now, log: this.o.onLog, cacheBudget: cacheShare(this.o),
    });
    await this.globalTask.init();
    const tps: Array<{ topic: string; partition: number }> = [];
    for (const t of this.plan.globalTopics) {
      const d = await log.admin.describeTopic(t);
      for (const p of d.partitions) tps.push({ topic: t, partition: p.partition });
    }
    // Load every global topic to its end before any task runs.
    for (const tp of tps) {
      const { end } = await log.offsets(tp);
      let offset = 0;
      while (offset < end) {
        const { records, next } = await log.read(tp, offset, 20_000, { isolation });
        for (const r of records) await this.globalTask.processRaw(r.topic, r.partition, r.offset, r.key, r.value, r.timestamp, toHeaders(r.headers));
        if (next <= offset) break;
        offset = next;
      }
      await this.globalTask.flush();
    }
    this.globalConsumer = log.consumer({ isolation });
    this.globalConsumer.assign(tps);
    for (const tp of tps) await this.globalConsumer.seekToEnd([tp]);
  }

  private storeOptions() {
    const c = this.o.config;
    return { defaultStore: 'leveldb' as const, defaultKeySerde: c.defaultKeySerde, defaultValueSerde: c.defaultValueSerde, cacheMaxBytes: c.cacheMaxBytes };
  }

  private async createTask(subId: number, nodes: readonly string[], partition: number, topics: string[], isolation: 'read_committed' | 'read_uncommitted'): Promise<void> {
    const { topology, config, log } = this.o;
    const taskId = `${subId}_${partition}`;
    const taskDir = path.join(this.o.stateDir, config.applicationId, taskId);
    const stores = new Map<string, StoreHandle>();
    const storeNames = new Set(nodes.flatMap((n) => {
      const node = topology.node(n);
      return node.type === 'processor' ? [...node.stores] : [];
    }));
    for (const name of storeNames) {
      const spec = topology.stores.get(name)!;
      if (!spec.global) stores.set(name, createStore(spec, this.storeOptions()));
    }
    const checkpoint = readCheckpoint(taskDir);
    if (this.eos && checkpoint === null && fs.existsSync(taskDir)) {
      // Exactly-once: without a clean-shutdown checkpoint the local state may hold uncommitted writes: rebuild it.
      fs.rmSync(taskDir, { recursive: true, force: true });
    }
    fs.mkdirSync(taskDir, { recursive: true });
    const state: TaskState = { task: null as unknown as Task, taskDir, stores, changelogEnd: new Map(), positions: new Map(), queues: new Map() };
    const task = new Task({
      topology, nodes: new Set(nodes), taskId, partition, config, stores, sharedStores: this.globalStores, taskDir,
      output: { send: (topic, p, key, value, timestamp, headers) => this.buffer.push({ topic, partition: p, key, value, timestamp, headers: headers as ProducerRecord['headers'] }) },
      changelog: { append: (topic, p, key, value, timestamp, headers) => this.buffer.push({ topic, partition: p, key, value, timestamp, headers: headers as ProducerRecord['headers'] }) },
      wallClock: Date.now,
      numPartitions: (t) => this.plan.partitionsOf.get(t),
      log: this.o.onLog,
      cacheBudget: this.threadCache,
    });
    state.task = task;
    await task.init();
    for (const [name, h] of stores) {
      if (!h.spec.logging) continue;
      const topic = `${config.applicationId}-${name}-changelog`;
      // Checkpointed offsets describe local state on disk: in-memory stores restore the whole changelog.
      const from = h.internal.persistent ? (checkpoint?.[`${topic}-${partition}`] ?? 0) : 0;
      const end = await restoreStore(log, h, topic, partition, from, isolation, (p) => {
        this.restoreProgress.set(`${p.topic}-${p.partition}`, p);
        this.o.onRestore?.(p);
      });
      state.changelogEnd.set(`${topic}-${partition}`, end);
      this.changelogOwner.set(`${topic}-${partition}`, state);
    }
    if (this.eos) deleteCheckpoint(taskDir);
    for (const t of topics) {
      const key = `${t}-${partition}`;
      state.positions.set(key, { topic: t, partition, offset: 0 });
      this.byInput.set(key, state);
    }
    this.tasks.set(taskId, state);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      // A local poll with data resolves through microtasks only: yield to the event loop once per batch so I/O
      // completions (background LevelDB writes, socket clients, timers) are not starved during a backlog.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.globalConsumer) {
        const g = await this.globalConsumer.poll({ timeoutMs: 0, maxRecords: 5000 });
        for (const r of g) await this.globalTask!.processRaw(r.topic, r.partition, r.offset, r.key, r.value, r.timestamp, toHeaders(r.headers));
        if (g.length) await this.globalTask!.flush();
      }
      const records = await this.consumer.poll({ timeoutMs: 100, maxRecords: 5000 });
      // A poll returns runs of records of one partition: look the queue up once per run, not per record.
      let runTopic = '', runPartition = -1;
      let q: InputQueue | undefined;
      for (const r of records) {
        if (r.partition !== runPartition || r.topic !== runTopic) {
          runTopic = r.topic;
          runPartition = r.partition;
          q = this.queueOf(r.topic, r.partition);
        }
        q?.records.push(r);
      }
      for (const ts of this.tasks.values()) await this.runTask(ts);
      const now = Date.now();
      for (const ts of this.tasks.values()) await ts.task.maybePunctuateWallClock(now);
      if (this.buffer.length) this.sendBuffered();
      if (now - this.lastCommit >= this.o.config.commitIntervalMs) await this.commit();
    }
  }

  private queueOf(topic: string, partition: number): InputQueue | undefined {
    const key = `${topic}-${partition}`;
    const ts = this.byInput.get(key);
    if (!ts) return undefined;
    let q = ts.queues.get(key);
    if (!q) ts.queues.set(key, (q = { records: [], position: ts.positions.get(key)! }));
    return q;
  }

  /** Runs a task's queued records, taking each time the head with the lowest timestamp across its partitions. */
  private async runTask(ts: TaskState): Promise<void> {
    const queues: InputQueue[] = [];
    for (const q of ts.queues.values()) if (q.records.length) queues.push(q);
    if (!queues.length) return;
    const idx = new Array<number>(queues.length).fill(0);
    while (true) {
      let best = -1;
      let bestTs = 0;
      for (let i = 0; i < queues.length; i++) {
        const recs = queues[i].records;
        if (idx[i] < recs.length && (best < 0 || recs[idx[i]].timestamp < bestTs)) {
          best = i;
          bestTs = recs[idx[i]].timestamp;
        }
      }
      if (best < 0) break;
      const q = queues[best];
      const r = q.records[idx[best]++];
      const res = ts.task.processRaw(r.topic, r.partition, r.offset, r.key, r.value, r.timestamp, toHeaders(r.headers));
      if (res instanceof Promise) await res;
      q.position.offset = r.offset + 1;
      const p = ts.task.maybePunctuateStreamTime();
      if (p instanceof Promise) await p;
    }
    for (const q of queues) q.records.length = 0;
  }

  private sendBuffered(): void {
    const batch = this.buffer;
    this.buffer = [];
    const sent = this.producer.sendBatch(batch).then((metas) => {
      // Outputs and changelog records share the batch: only changelog partitions have an owner.
      for (const m of metas) {
        const key = `${m.topic}-${m.partition}`;
        const ts = this.changelogOwner.get(key);
        if (ts) ts.changelogEnd.set(key, Math.max(ts.changelogEnd.get(key)!, m.offset + 1));
      }
    });
    sent.catch(() => undefined);
    this.pendingSends.push(sent);
  }

  /** flush stores -> send changelog and outputs -> commit input offsets (one transaction under exactly_once). */
  async commit(final = false): Promise<void> {
    const began = Date.now();
    for (const ts of this.tasks.values()) await ts.task.flush();
    if (this.buffer.length) this.sendBuffered();
    const sends = this.pendingSends;
    this.pendingSends = [];
    await Promise.all(sends);
    const offsets = [...this.tasks.values()].flatMap((ts) => [...ts.positions.values()]);
    if (this.eos) {
      await this.producer.sendOffsetsToTransaction(offsets, this.o.config.applicationId);
      await this.producer.commitTransaction();
      if (!final) this.producer.beginTransaction();
    } else {
      await this.producer.flush();
      await this.consumer.commit(offsets);
      for (const ts of this.tasks.values()) writeCheckpoint(ts.taskDir, Object.fromEntries(ts.changelogEnd));
    }
    // Kafka purges repartition topics up to the committed offsets: nobody reads those records again.
    const appPrefix = `${this.o.config.applicationId}-`;
    const purge = offsets.filter((o) => o.topic.startsWith(appPrefix) && o.topic.endsWith('-repartition'));
    if (purge.length) await this.o.log.admin.deleteRecords(purge);
    this.lastCommit = Date.now();
    this.lagCache = await this.lag();
    this.metricsState.commits++;
    this.metricsState.lastCommitMs = this.lastCommit - began;
  }

  store(name: string): StoreQuery {
    const handles = [...this.tasks.values()].map((t) => t.stores.get(name)).filter((h): h is StoreHandle => h !== undefined);
    const global = this.globalStores.get(name);
    if (global) handles.push(global);
    if (!handles.length) throw new Error(`store '${name}' does not exist in this app; stores: [${[...this.o.topology.stores.keys()].join(', ')}].`);
    return new StoreQuery(name, handles);
  }

  metrics(): RunnerMetrics {
    const perTask: Record<string, number> = {};
    const dropped: Record<string, number> = {};
    let processed = 0;
    let skipped = 0;
    for (const [id, ts] of this.tasks) {
      perTask[id] = ts.task.metrics.processed;
      processed += ts.task.metrics.processed;
      skipped += ts.task.metrics.skipped;
      for (const [k, v] of Object.entries(ts.task.metrics.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
    }
    return {
      processed, processedPerTask: perTask, recordsPerSec: Math.round(processed / Math.max(0.001, (Date.now() - this.started) / 1000)),
      commits: this.metricsState.commits, lastCommitMs: this.metricsState.lastCommitMs, dropped, skipped,
      restore: [...this.restoreProgress.values()], lag: { ...this.lagCache },
    };
  }

  /** Lag per input partition (end offset - position). */
  async lag(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const ts of this.tasks.values()) {
      for (const [key, pos] of ts.positions) out[key] = (await this.o.log.offsets(pos)).end - pos.offset;
    }
    return out;
  }

  get error(): unknown {
    return this.failure;
  }

  /** Finishes the current batch, commits, writes checkpoints and closes stores. */
  async close(): Promise<void> {
    this.stopping = true;
    await this.loopDone;
    if (this.failure === null) {
      await this.commit(true);
      for (const ts of this.tasks.values()) writeCheckpoint(ts.taskDir, Object.fromEntries(ts.changelogEnd));
    } else if (this.eos) {
      await this.producer.abortTransaction().catch(() => undefined);
    }
    for (const ts of this.tasks.values()) await ts.task.close();
    await this.globalTask?.close();
    await this.consumer.close();
    await this.globalConsumer?.close();
    await this.producer.close?.();
  }
}

/**
 * Kafka splits statestore.cache.max.bytes evenly over the stream threads (and the global thread, if any); the
 * tasks of one thread share their thread's part. A runner is one thread's; its global task gets a part of its own.
 */
function cacheShare(o: RunnerOptions): CacheBudget {
  const c = o.config;
  const hasGlobal = o.topology.subtopologies.some((s) => s.global);
  return { maxBytes: Math.floor(c.cacheMaxBytes / (c.numStreamThreads + (hasGlobal ? 1 : 0))), bytes: 0 };
}

function toHeaders(h: { [name: string]: Uint8Array } | undefined): Headers | undefined {
  if (!h) return undefined;
  for (const _k in h) return h;
  return undefined;
}
