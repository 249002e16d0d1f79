/**
 * A stream thread (Kafka's StreamThread): plans topics, lets its TaskManager create and restore its tasks (one per
 * sub-topology and partition, stores under <stateDir>/<applicationId>/<taskId>), then loops: poll a batch, run it
 * through the tasks (per task, its PartitionGroup picks the record with the lowest timestamp), punctuate, hand the
 * RecordCollector's buffer to the producer, and commit every commitIntervalMs (flush stores -> changelog +
 * outputs acknowledged -> input offsets; one transaction under exactly_once). Batches, not records, pay for I/O.
 * On a log that spreads tasks (Kafka), the thread is one member of the application's group instead: the group
 * hands it active and standby tasks and moves them (see rebalance and membership.ts).
 */
import path from 'node:path';
import { isRepartitionTopic } from '../../api/topic-names.ts';
import { backendOf, groupProtocolFor, spreadsTasks, streamsMembership, type LogClient } from '../../log-client/client.ts';
import type { MemberTasks, OwnedTasks, StreamsMembership, TaskAssignment } from '../../log-client/membership.ts';
import type { Consumer } from '../../log-client/consumer.ts';
import type { Producer } from '../../log-client/producer.ts';
import type { Isolation } from '../../log-client/types.ts';
import type { CacheBudget } from '../../state/types.ts';
import type { Topology } from '../../topology/topology.ts';
import type { ResolvedConfig } from '../config.ts';
import type { StoreFactoryOptions, StoreHandle } from '../stores/stores.ts';
import { GlobalThread, toHeaders } from './global-thread.ts';
import { RecordCollector } from './record-collector.ts';
import type { RestoreProgress } from './restore.ts';
import { StoreQuery } from './store-query.ts';
import { TaskManager, type ManagedTask } from './task-manager.ts';
import { planTopics, type CreateTopics, type TopicPlan } from './topics.ts';
import { LogStoreError } from '../../log-client/errors.ts';
import { processId } from './process-id.ts';
import type { RunnerDetail } from './introspect.ts';
import { storeBytes } from './store-bytes.ts';
import { subtopologyInfos } from './subtopology-info.ts';

export interface RunnerOptions {
  log: LogClient;
  topology: Topology;
  config: ResolvedConfig;
  stateDir: string;
  createTopics: CreateTopics;
  /** Log lines: task warnings (level warn, the default) and a stopped loop (level error, with the error's details). */
  onLog?: (line: string, level?: 'error' | 'warn' | 'info' | 'debug', fields?: Record<string, unknown>) => void;
  onRestore?: (p: RestoreProgress) => void;
  /** Stream threads: only the tasks this thread owns (all when absent; ignored when the log's group assigns tasks). */
  taskFilter?: (taskId: string) => boolean;
  /** Stream threads: makes the transactional id unique per thread. */
  threadSuffix?: string;
}

export interface RunnerMetrics {
  processed: number;
  /** Records sent to sink topics (see TaskMetrics.sent). */
  produced: number;
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
  private tasks!: TaskManager;
  private global: GlobalThread | null = null;
  private consumer!: Consumer;
  private producer!: Producer;
  private collector!: RecordCollector;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly started = Date.now();
  private lastCommit = Date.now();
  private lagCache: Record<string, number> = {};
  readonly metricsState = { commits: 0, lastCommitMs: 0 };
  /** Cumulative time in poll, process, punctuate and commit (Kafka's poll/process/punctuate/commit ratios). */
  private readonly timing = { pollMs: 0, processMs: 0, punctuateMs: 0, commitMs: 0 };
  private commitLatencies: number[] = [];
  /** This thread's membership in the application's group, when the log spreads tasks (null: it owns its tasks). */
  private membership: StreamsMembership | null = null;
  /** The group's latest view: per instance endpoint, its active and standby tasks (query routing). */
  get hosts(): TaskAssignment['hosts'] {
    // the streams protocol sends newer endpoint information between this member's own assignments
    const live = this.membership?.hosts;
    return live?.length ? live : this.assignedHosts;
  }
  private assignedHosts: TaskAssignment['hosts'] = [];
  /** Partitions (tasks) per sub-topology id, once started (query routing: a key's task). */
  partitions: ReadonlyMap<number, number> = new Map();
  private lastTail = 0;

  /** This thread's share of the record cache, for all its tasks' stores (see cacheShare). */
  private readonly threadCache: CacheBudget;

  constructor(private readonly o: RunnerOptions) {
    this.threadCache = { ...cacheShare(o), hits: 0, misses: 0 };
  }

  private get eos(): boolean {
    return this.o.config.processingGuarantee === 'exactly_once';
  }

  private storeOptions(): StoreFactoryOptions {
    const c = this.o.config;
    return { defaultStore: 'leveldb', defaultKeySerde: c.defaultKeySerde, defaultValueSerde: c.defaultValueSerde, cacheMaxBytes: c.cacheMaxBytes };
  }

  async start(): Promise<void> {
    const { log, topology, config } = this.o;
    const appId = config.applicationId;
    const plan = await planTopics(log, topology, appId, this.o.createTopics);
    this.partitions = new Map([...plan.subtopologies].map(([id, p]) => [id, p.partitions]));
    const isolation: Isolation = this.eos ? 'read_committed' : 'read_uncommitted';
    this.global = GlobalThread.create(topology, config, this.o.stateDir, this.storeOptions(), cacheShare(this.o), this.o.onLog);
    await this.global?.bootstrap(log, plan.globalTopics, isolation);
    const c = config;
    const protocol = spreadsTasks(log) ? await groupProtocolFor(log, c.groupProtocol) : null;
    this.membership = streamsMembership(log, appId, {
      processId: processId(this.o.stateDir, appId), threadIndex: this.threadIndex, endpoint: c.applicationServer,
      subtopologies: subtopologyInfos(topology, plan, appId), numStandbyReplicas: c.numStandbyReplicas,
      sessionTimeoutMs: c.sessionTimeoutMs, rebalanceTimeoutMs: 300_000,
      protocol: protocol?.protocol ?? 'classic',
    });
    if (this.membership && protocol) {
      this.o.onLog?.(`joining group ${appId} as stream thread ${this.threadIndex} (${protocol.protocol} protocol: ${protocol.reason}; ${c.numStandbyReplicas} standby replicas)`, 'info');
    }
    await this.createTasks(plan, isolation);
    this.loopDone = this.run(plan, isolation).catch((e) => {
      this.failure = e;
      this.o.onLog?.(`stopped: ${(e as Error).message}`, 'error', (e as { details?: Record<string, unknown> }).details);
    });
  }

  private get threadIndex(): number {
    return Number((this.o.threadSuffix ?? '-1').slice(1)) || 1;
  }

  /**
   * A producer, this thread's tasks (created, restored, processors initialized) and a consumer assigned their
   * partitions at the committed positions; under exactly_once the first transaction is begun. Under group
   * membership the tasks are the group's assignment (the first poll joins the group).
   */
  private async createTasks(plan: TopicPlan, isolation: Isolation): Promise<void> {
    const { log, topology, config } = this.o;
    const appId = config.applicationId;
    // transactional.id = <applicationId>-<processId>-<threadIndex> (Kafka Streams 4.4's exactly_once_v2)
    this.producer = this.eos
      ? log.producer({ transactionalId: `${appId}-${processId(this.o.stateDir, appId)}${this.o.threadSuffix ?? '-1'}` })
      : log.producer();
    this.collector = new RecordCollector(this.producer, config.productionExceptionHandler, (metas) => this.tasks.acknowledged(metas), (l) => this.o.onLog?.(l));
    const tasks = new TaskManager({
      log, topology, config, stateDir: this.o.stateDir, storeOptions: this.storeOptions(), cacheBudget: this.threadCache,
      collector: this.collector, globalStores: this.global?.stores ?? new Map<string, StoreHandle>(),
      plan, isolation, onLog: this.o.onLog, onRestore: this.o.onRestore,
      committed: (tps) => backendOf(log).committedOffsets(appId, tps),
    });
    this.tasks = tasks;
    if (this.membership) {
      await this.applyAssignment(await this.membership.poll(this.memberTasks()), plan);
      this.membership.owned(this.ownedTasks());
    } else {
      for (const sub of topology.subtopologies) {
        if (sub.global) continue;
        const sp = plan.subtopologies.get(sub.id)!;
        for (let p = 0; p < sp.partitions; p++) {
          if (this.o.taskFilter && !this.o.taskFilter(`${sub.id}_${p}`)) continue;
          await tasks.createTask(sub.id, sub.nodes, p, sp.topics);
        }
      }
    }
    await this.assignConsumer(isolation);
    if (this.eos) this.producer.beginTransaction();
  }

  /**
   * A consumer for the active tasks' input partitions, at the committed positions. Per task, not per input
   * partition: a task reading several partitions (a join) must not be assigned twice, or every record of its
   * partitions is fetched and processed twice.
   */
  private async assignConsumer(isolation: Isolation): Promise<void> {
    await this.consumer?.close().catch(() => undefined);
    this.consumer = this.o.log.consumer({ groupId: this.o.config.applicationId, autoOffsetReset: 'earliest', isolation });
    const positions = this.tasks.positions();
    this.consumer.assign(positions.map(({ topic, partition }) => ({ topic, partition })));
    for (const pos of positions) pos.offset = await this.consumer.position({ topic: pos.topic, partition: pos.partition });
  }

  private ownedTasks(): OwnedTasks {
    return { active: [...this.tasks.tasks.keys()], standby: [...this.tasks.standbys.keys()] };
  }

  /** What a (re)join reports: the tasks owned, and the local state of others (kept across restarts). */
  private memberTasks(): MemberTasks {
    return { ...this.ownedTasks(), localOffsetSums: this.tasks.localOffsetSums() };
  }

  /**
   * Applies the group's assignment (Kafka's TaskManager.handleAssignment): active tasks no longer assigned close
   * clean (the thread committed them just before), standbys no longer assigned close with their checkpoint, a
   * standby that becomes active is promoted (delta restore), new tasks are created and restored.
   */
  private async applyAssignment(a: TaskAssignment, plan: TopicPlan): Promise<void> {
    const tasks = this.tasks;
    const active = new Set(a.active);
    const standby = new Set(a.standby);
    const closed: string[] = [];
    for (const id of [...tasks.tasks.keys()]) if (!active.has(id)) {
      await tasks.closeTask(id, true);
      closed.push(id);
    }
    for (const id of [...tasks.standbys.keys()]) if (!standby.has(id) && !active.has(id)) {
      await tasks.closeStandby(id);
      closed.push(`${id} (standby)`);
    }
    const created: string[] = [];
    for (const id of a.active) {
      if (tasks.tasks.has(id)) continue;
      const { sub, partition, topics } = this.taskOf(id, plan);
      if (tasks.standbys.has(id)) await tasks.promote(id, topics);
      else await tasks.createTask(sub.id, sub.nodes, partition, topics);
      created.push(id);
    }
    for (const id of a.standby) {
      if (tasks.standbys.has(id) || tasks.tasks.has(id)) continue;
      const { sub, partition } = this.taskOf(id, plan);
      await tasks.createStandby(sub.id, sub.nodes, partition);
      created.push(`${id} (standby)`);
    }
    this.assignedHosts = a.hosts;
    this.o.onLog?.(`assignment: active [${a.active.join(', ')}], standby [${a.standby.join(', ')}]; closed [${closed.join(', ')}], created [${created.join(', ')}]`, 'info');
  }

  private taskOf(id: string, plan: TopicPlan): { sub: Topology['subtopologies'][number]; partition: number; topics: string[] } {
    const m = /^(\d+)_(\d+)$/.exec(id);
    const sub = m ? this.o.topology.subtopologies.find((s) => !s.global && s.id === Number(m[1])) : undefined;
    const sp = sub ? plan.subtopologies.get(sub.id) : undefined;
    const partition = m ? Number(m[2]) : -1;
    if (!sub || !sp || partition >= sp.partitions) {
      const known = [...plan.subtopologies.values()].map((p) => `${p.id} (${p.partitions} partitions)`).join(', ');
      throw new Error(`the group assigned task '${id}', which this app's topology does not have (sub-topologies: ${known}): do all instances of ${this.o.config.applicationId} run the same topology?`);
    }
    return { sub, partition, topics: sp.topics };
  }

  /** The group asked for a rebalance: the batch is done; commit every active task, take the new assignment. */
  private async rebalance(plan: TopicPlan, isolation: Isolation): Promise<void> {
    await this.commit();
    const m = this.membership!;
    await this.applyAssignment(await m.poll(this.memberTasks()), plan);
    m.owned(this.ownedTasks());
    await this.assignConsumer(isolation);
  }

  /**
   * The loop, and Kafka's answer to a fenced producer under exactly_once (TaskMigratedException): the tasks are
   * lost, not failed. Their stores drop what was not committed (close dirty), and the tasks are created again from
   * the changelogs and the committed offsets with a new producer, which in turn fences the zombie.
   */
  private async run(plan: TopicPlan, isolation: Isolation): Promise<void> {
    while (true) {
      try {
        await this.loop(plan, isolation);
        return;
      } catch (e) {
        const fenced = e instanceof LogStoreError && e.code === 'FENCED';
        const lost = this.membership !== null && (fenced || e instanceof TasksLost);
        if (this.stopping || !(lost || (this.eos && fenced))) throw e;
        this.o.onLog?.(this.membership
          ? `tasks lost (${(e as Error).message}): closing them dirty, then rejoining the group`
          : `producer fenced (${(e as Error).message}): its tasks are lost; closing them dirty, then restoring them and going on`, 'warn');
        this.collector.discard();
        if (this.eos && !fenced) await this.producer.abortTransaction().catch(() => undefined);
        await this.tasks.closeDirty();
        // standbys hold committed changelog records only: they close clean (checkpoint) and come back delta-only
        for (const id of [...this.tasks.standbys.keys()]) await this.tasks.closeStandby(id);
        await this.consumer.close().catch(() => undefined);
        await this.producer.close().catch(() => undefined);
        await this.createTasks(plan, isolation);
      }
    }
  }

  private async loop(plan: TopicPlan, isolation: Isolation): Promise<void> {
    while (!this.stopping) {
      // A local poll with data resolves through microtasks only: yield to the event loop once per batch so I/O
      // completions (background LevelDB writes, socket clients, timers) are not starved during a backlog.
      const t0 = performance.now();
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.global?.poll();
      const records = await this.consumer.poll({ timeoutMs: 100, maxRecords: 5000 });
      // A poll returns runs of records of one partition: look the queue up once per run, not per record.
      let runTopic = '', runPartition = -1;
      let q: ReturnType<TaskManager['queueOf']>;
      for (const r of records) {
        if (r.partition !== runPartition || r.topic !== runTopic) {
          runTopic = r.topic;
          runPartition = r.partition;
          q = this.tasks.queueOf(r.topic, r.partition);
        }
        q?.push(r);
      }
      const t1 = performance.now();
      for (const ts of this.tasks.tasks.values()) await this.runTask(ts);
      const t2 = performance.now();
      const now = Date.now();
      for (const ts of this.tasks.tasks.values()) await ts.task.maybePunctuateWallClock(now);
      const t3 = performance.now();
      this.timing.pollMs += t1 - t0;
      this.timing.processMs += t2 - t1;
      this.timing.punctuateMs += t3 - t2;
      this.collector.sendBuffered();
      if (now - this.lastCommit >= this.o.config.commitIntervalMs) await this.commit();
      const m = this.membership;
      if (m) {
        if (m.lost) throw new TasksLost('the group fenced this member (session expired, or a stale generation or epoch)');
        if (m.rebalanceRequested) await this.rebalance(plan, isolation);
        if (this.tasks.standbys.size && now - this.lastTail >= STANDBY_TAIL_MS) {
          this.lastTail = now;
          await this.tasks.tailStandbys();
        }
      }
    }
  }

  /**
   * Kafka's StreamTask.committableOffsetsAndMetadata: an input partition with no buffered record commits the
   * consumer's position, which is past the transaction markers and aborted batches its fetches skipped. Committing
   * only the last processed offset + 1 would leave a transactionally written input (a repartition topic under
   * exactly_once) with a lag of 1 forever. One position look-up per drained partition per commit.
   */
  private async advanceDrainedPositions(): Promise<void> {
    const assigned = new Set(this.consumer.assignment().map((tp) => `${tp.topic}-${tp.partition}`));
    for (const ts of this.tasks.tasks.values()) {
      for (const [key, pos] of ts.positions) {
        if (!assigned.has(key) || ts.input.get(key)?.peek() !== undefined) continue;
        const next = await this.consumer.position({ topic: pos.topic, partition: pos.partition });
        if (next > pos.offset) pos.offset = next;
      }
    }
  }

  /** Runs a task's queued records in its PartitionGroup's order (lowest timestamp first). */
  private async runTask(ts: ManagedTask): Promise<void> {
    const task = ts.task;
    let q;
    while ((q = ts.input.nextQueue())) {
      const r = q.shift()!;
      const res = task.processRaw(r.topic, r.partition, r.offset, r.key, r.value, r.timestamp, toHeaders(r.headers));
      if (res instanceof Promise) await res;
      q.tag.offset = r.offset + 1;
      if (task.lastInputTimestamp > q.tag.time) q.tag.time = task.lastInputTimestamp;
      const p = task.maybePunctuateStreamTime();
      if (p instanceof Promise) await p;
    }
  }

  /** flush stores -> send changelog and outputs -> commit input offsets (one transaction under exactly_once). */
  async commit(final = false): Promise<void> {
    const began = Date.now();
    for (const ts of this.tasks.tasks.values()) await ts.task.flush();
    await this.collector.flush();
    await this.advanceDrainedPositions();
    const offsets = this.tasks.committable();
    if (this.eos) {
      await this.producer.sendOffsetsToTransaction(offsets, this.o.config.applicationId);
      await this.producer.commitTransaction();
      if (!final) this.producer.beginTransaction();
    } else {
      await this.producer.flush();
      await this.consumer.commit(offsets);
      this.tasks.checkpointAll();
    }
    // Kafka purges repartition topics up to the committed offsets: nobody reads those records again.
    const purge = offsets.filter((o) => isRepartitionTopic(this.o.config.applicationId, o.topic));
    if (purge.length) await this.o.log.admin.deleteRecords(purge);
    this.lastCommit = Date.now();
    this.lagCache = await this.lag();
    this.metricsState.commits++;
    this.metricsState.lastCommitMs = this.lastCommit - began;
    this.timing.commitMs += this.lastCommit - began;
    if (this.commitLatencies.length < 10_000) this.commitLatencies.push(this.lastCommit - began);
  }

  /** This thread's tasks (all active: standbys come with scale-out), their input partitions, stores and restores. */
  taskStates(): Pick<RunnerDetail, 'tasks' | 'restore'> {
    const tasks: RunnerDetail['tasks'] = [];
    for (const [id, ts] of this.tasks?.tasks ?? []) {
      tasks.push({ id, type: 'active', state: 'running', processed: ts.task.metrics.processed, processors: {}, stores: [...ts.stores.keys()], storeEntries: {}, storeBytes: {}, partitions: [...ts.positions.keys()] });
    }
    tasks.push(...this.standbyAndRestoring());
    return { tasks, restore: [...(this.tasks?.restoreProgress.values() ?? [])] };
  }

  /** Standby tasks (no input partitions, nothing processed) and the task being restored, if any. */
  private standbyAndRestoring(): RunnerDetail['tasks'] {
    const out: RunnerDetail['tasks'] = [];
    for (const [id, ts] of this.tasks?.standbys ?? []) {
      out.push({ id, type: 'standby', state: 'running', processed: 0, processors: {}, stores: [...ts.stores.keys()], storeEntries: {}, storeBytes: {}, partitions: [] });
    }
    const restoring = this.tasks?.restoring ?? null;
    if (restoring) out.push({ id: restoring, type: this.tasks.restoringStandby ? 'standby' : 'active', state: 'restoring', processed: 0, processors: {}, stores: [], storeEntries: {}, storeBytes: {}, partitions: [] });
    return out;
  }

  /** Per-task and per-processor counters for metrics and the live page (commit latencies are drained). */
  detail(): RunnerDetail {
    const droppedBy: RunnerDetail['droppedBy'] = {};
    let skipped = 0;
    const tasks: RunnerDetail['tasks'] = [];
    for (const [id, ts] of this.tasks.tasks) {
      const m = ts.task.metrics;
      skipped += m.skipped;
      for (const [op, reasons] of Object.entries(m.droppedBy)) {
        const into = (droppedBy[op] ??= {});
        for (const [r, n] of Object.entries(reasons)) into[r] = (into[r] ?? 0) + n;
      }
      const storeEntries: Record<string, number> = {};
      const bytes: Record<string, number> = {};
      for (const [name, h] of ts.stores) {
        if (h.spec.kind === 'keyValue' || h.spec.kind === 'timestampedKeyValue') {
          storeEntries[name] = (h.publicView() as { approximateNumEntries(): number }).approximateNumEntries();
        }
        if (h.internal.persistent) bytes[name] = storeBytes(path.join(ts.taskDir, name));
      }
      tasks.push({ id, type: 'active', state: 'running', processed: m.processed, processors: ts.task.processorCounts(), stores: [...ts.stores.keys()], storeEntries, storeBytes: bytes, partitions: [...ts.positions.keys()] });
    }
    tasks.push(...this.standbyAndRestoring());
    const commitLatenciesMs = this.commitLatencies;
    this.commitLatencies = [];
    return {
      thread: `StreamThread${this.o.threadSuffix ?? '-1'}`, startedMs: this.started, tasks, droppedBy, skipped, commits: this.metricsState.commits,
      restore: [...(this.tasks?.restoreProgress.values() ?? [])], lag: { ...this.lagCache }, time: { ...this.timing }, commitLatenciesMs,
      cache: { hits: this.threadCache.hits ?? 0, misses: this.threadCache.misses ?? 0 },
    };
  }

  store(name: string): StoreQuery {
    const handles = [...this.tasks.tasks.values()].map((t) => t.stores.get(name)).filter((h): h is StoreHandle => h !== undefined);
    const global = this.global?.stores.get(name);
    if (global) handles.push(global);
    if (!handles.length) throw new Error(`store '${name}' does not exist in this app; stores: [${[...this.o.topology.stores.keys()].join(', ')}].`);
    return new StoreQuery(name, handles);
  }

  metrics(): RunnerMetrics {
    const perTask: Record<string, number> = {};
    const dropped: Record<string, number> = {};
    let processed = 0;
    let skipped = 0;
    let produced = 0;
    for (const [id, ts] of this.tasks.tasks) {
      perTask[id] = ts.task.metrics.processed;
      produced += ts.task.metrics.sent;
      processed += ts.task.metrics.processed;
      skipped += ts.task.metrics.skipped;
      for (const [k, v] of Object.entries(ts.task.metrics.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
    }
    return {
      processed, produced, processedPerTask: perTask, recordsPerSec: Math.round(processed / Math.max(0.001, (Date.now() - this.started) / 1000)),
      commits: this.metricsState.commits, lastCommitMs: this.metricsState.lastCommitMs, dropped, skipped,
      restore: [...this.tasks.restoreProgress.values()], lag: { ...this.lagCache },
    };
  }

  /** Lag per input partition (end offset - position), with one end-offsets request for all of them. */
  async lag(): Promise<Record<string, number>> {
    const positions = this.tasks.positions();
    const ends = await this.o.log.endOffsets(positions.map(({ topic, partition }) => ({ topic, partition })));
    const out: Record<string, number> = {};
    positions.forEach((pos, i) => (out[`${pos.topic}-${pos.partition}`] = ends[i] - pos.offset));
    return out;
  }

  get error(): unknown {
    return this.failure;
  }

  /**
   * Finishes the current batch, commits, writes checkpoints and closes stores. After a fatal error (or when this
   * final commit fails) it closes dirty instead, as Kafka's closeDirty: nothing more is sent or committed, stores
   * drop their un-committed writes, and no checkpoint is written (one still on disk still describes the disk).
   */
  async close(): Promise<void> {
    this.stopping = true;
    await this.loopDone;
    let commitError: unknown = null;
    if (this.failure === null) {
      try {
        await this.commit(true);
        this.tasks.checkpointAll();
      } catch (e) {
        commitError = e;
        this.failure = e;
      }
    }
    if (this.failure === null) {
      await this.tasks.closeClean();
    } else {
      if (this.eos) await this.producer.abortTransaction().catch(() => undefined);
      this.collector.discard();
      await this.tasks.closeDirty();
      for (const id of [...this.tasks.standbys.keys()]) await this.tasks.closeStandby(id);
    }
    // a clean stop leaves the group, so the others take its tasks now rather than after the session timeout
    if (this.failure === null) await this.membership?.leave().catch((e: unknown) => this.o.onLog?.(`leaving group ${this.o.config.applicationId} failed: ${(e as Error).message}`, 'warn'));
    await this.global?.close();
    await this.consumer.close();
    await this.producer.close?.();
    if (commitError !== null) throw commitError;
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

/** How often standby tasks read what their changelogs gained (each read asks the log for end offsets). */
const STANDBY_TAIL_MS = 200;

/** The group took this thread's tasks (its membership is `lost`): close them dirty, then rejoin. */
class TasksLost extends Error {}
