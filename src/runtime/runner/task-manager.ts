/**
 * Kafka's TaskManager for one stream thread: creates its tasks (one per sub-topology and partition) with their
 * stores, wipes local state no checkpoint covers, restores stores from their changelogs before processors
 * initialize (Kafka's order), keeps each task's input queues and positions, and closes tasks clean or dirty.
 * Under group membership the set changes: tasks are added and removed one by one, standby tasks keep their stores
 * tailing the changelogs, and a standby promoted to active restores only what it had not applied yet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { changelogTopic } from '../../api/topic-names.ts';
import type { LogClient } from '../../log-client/client.ts';
import type { CommittedOffset, ConsumerRecord, Isolation, OffsetAndPartition, RecordMetadata, TopicPartition } from '../../log-client/types.ts';
import type { CacheBudget } from '../../state/types.ts';
import type { Topology } from '../../topology/topology.ts';
import type { ResolvedConfig } from '../config.ts';
import { decodePartitionMetadata, encodePartitionMetadata, mergeProcessorMetadata, UNKNOWN_PARTITION_TIME } from '../offset-metadata.ts';
import { PartitionGroup, type PartitionQueue } from '../partition-group.ts';
import { createStoresFor, type StoreFactoryOptions, type StoreHandle } from '../stores/stores.ts';
import { Task } from '../task.ts';
import { CheckpointGuard, readCheckpoint } from './checkpoint.ts';
import type { RecordCollector } from './record-collector.ts';
import { restoreStore, type RestoreProgress } from './restore.ts';
import type { TopicPlan } from './topics.ts';

/** An input partition of a task: the next offset to commit and its partition time (Kafka's RecordQueue.partitionTime). */
export interface Position extends OffsetAndPartition {
  /** The largest timestamp of the partition's records processed (or restored from the committed metadata); -1 unknown. */
  time: number;
}

/** A task's directory under <stateDir>/<applicationId>: `<subtopologyId>_<partition>`. */
const TASK_DIR = /^\d+_\d+$/;

export interface ManagedTask {
  task: Task;
  taskDir: string;
  stores: Map<string, StoreHandle>;
  changelogEnd: Map<string, number>;
  /** Next offset to commit per input topic-partition key. */
  positions: Map<string, Position>;
  /** Polled records per input partition (tag: that partition's position). */
  input: PartitionGroup<ConsumerRecord, Position>;
  /** Its persistent stores tell it before writing to disk; dirty once the task closes after a fatal error. */
  guard: CheckpointGuard;
  subId: number;
  /** A standby task: stores tailing their changelogs, no processing. */
  standby: boolean;
  /**
   * Kafka's ProcessorMetadata of the task, as committed offsets' metadata brought it (a Kafka Streams owner's
   * entries): committed on with every input partition, so a Kafka Streams owner taking over finds them again.
   */
  processorMetadata: Map<string, bigint>;
}

export interface TaskManagerSetup {
  log: LogClient;
  topology: Topology;
  config: ResolvedConfig;
  stateDir: string;
  storeOptions: StoreFactoryOptions;
  cacheBudget: CacheBudget;
  collector: RecordCollector;
  globalStores: Map<string, StoreHandle>;
  plan: TopicPlan;
  isolation: Isolation;
  onLog?: (line: string, level?: 'error' | 'warn' | 'info' | 'debug') => void;
  onRestore?: (p: RestoreProgress) => void;
  /** The group's committed offsets with their metadata (a task's partition times come back from them). */
  committed?: (tps: TopicPartition[]) => Promise<(CommittedOffset | null)[]>;
}

export class TaskManager {
  /** Active tasks. */
  readonly tasks = new Map<string, ManagedTask>();
  /** Standby tasks (scale-out): warm copies of stores another member's active task writes. */
  readonly standbys = new Map<string, ManagedTask>();
  private readonly byInput = new Map<string, ManagedTask>();
  /** Changelog topic-partition -> the task whose checkpoint records its end offset. */
  private readonly changelogOwner = new Map<string, ManagedTask>();
  readonly restoreProgress = new Map<string, RestoreProgress>();
  /** The task being created and restored, if any (the live page shows it as restoring). */
  restoring: string | null = null;
  /** The restoring task is a standby. */
  restoringStandby = false;
  /** Input partitions whose committed metadata did not decode, already logged. */
  private readonly undecodable = new Set<string>();

  constructor(private readonly s: TaskManagerSetup) {}

  private get eos(): boolean {
    return this.s.config.processingGuarantee === 'exactly_once';
  }

  /**
   * An active task: stores opened and restored to the changelogs' ends, then processors initialized, then its input
   * partitions registered (positions at 0 until the runner sets them from the committed offsets).
   */
  async createTask(subId: number, nodes: readonly string[], partition: number, topics: string[]): Promise<void> {
    const state = await this.openTask(subId, nodes, partition, true);
    await this.activate(state, topics);
  }

  /**
   * A standby task (Kafka's StandbyTask): its stores restored from their changelogs and kept tailing them
   * (tailStandbys), never processing; its checkpoint follows what it applied, so a promotion or a restart restores
   * only the delta.
   */
  async createStandby(subId: number, nodes: readonly string[], partition: number): Promise<void> {
    const state = await this.openTask(subId, nodes, partition, false);
    state.guard.checkpoint(Object.fromEntries(state.changelogEnd));
    this.standbys.set(state.task.taskId, state);
  }

  /** A standby becomes active: its stores continue from where the standby got (a delta restore), then it processes. */
  async promote(taskId: string, topics: string[]): Promise<void> {
    const state = this.standbys.get(taskId);
    if (!state) throw new Error(`promote(${taskId}): this thread has no standby task ${taskId}; standbys: [${[...this.standbys.keys()].join(', ')}].`);
    this.standbys.delete(taskId);
    this.restoring = taskId;
    this.restoringStandby = false;
    await this.restoreFrom(state, (topic) => state.changelogEnd.get(`${topic}-${state.task.partition}`) ?? 0, true, true);
    await this.activate(state, topics);
  }

  /** Opens a task's stores (wiping local state no checkpoint covers) and restores them to the changelogs' ends. */
  private async openTask(subId: number, nodes: readonly string[], partition: number, active: boolean): Promise<ManagedTask> {
    const { topology, config } = this.s;
    const taskId = `${subId}_${partition}`;
    const taskDir = path.join(this.s.stateDir, config.applicationId, taskId);
    this.restoring = taskId;
    this.restoringStandby = !active;
    const stores = createStoresFor(topology, nodes, false, this.s.storeOptions);
    const checkpoint = readCheckpoint(taskDir);
    // A store no checkpoint covers (a dirty stop, or state written ahead of the last commit) may hold writes whose
    // changelog records, outputs and input offsets were never committed. Under either guarantee such a store would
    // make a replayed record look already processed (a dedupe would drop it): every persistent store with a
    // changelog is rebuilt from it. Stores without one have nothing to rebuild from and are kept, as in Kafka.
    const wiped: string[] = [];
    const outOfRange: string[] = [];
    for (const [name, h] of stores) {
      const dir = path.join(taskDir, name);
      const key = `${changelogTopic(config.applicationId, name)}-${partition}`;
      const at = checkpoint?.[key];
      if (at !== undefined && h.spec.logging && h.internal.persistent) {
        // A checkpoint outside the changelog (records past it were deleted by retention, or the topic was
        // recreated): the local state cannot be brought up to date from it (Kafka's OffsetOutOfRange on restore).
        const { start, end } = await this.s.log.offsets({ topic: changelogTopic(config.applicationId, name), partition });
        if (at >= start && at <= end) continue;
        delete checkpoint![key];
        outOfRange.push(`${name} (checkpoint ${at}, changelog ${start}..${end})`);
      } else if (at !== undefined || !h.spec.logging || !h.internal.persistent || !fs.existsSync(dir)) {
        continue;
      } else {
        wiped.push(name);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
    if (wiped.length) this.s.onLog?.(`streams-run: task ${taskId}: no checkpoint covers the local state of [${wiped.join(', ')}] in ${taskDir} (unclean stop): wiped, restoring from the changelogs.`);
    if (outOfRange.length) this.s.onLog?.(`streams-run: task ${taskId}: the checkpoint of [${outOfRange.join(', ')}] is outside its changelog (deleted by retention, or the topic was recreated): wiped, restoring from the start of the changelog.`);
    fs.mkdirSync(taskDir, { recursive: true });
    const guard = new CheckpointGuard(taskDir, checkpoint !== null);
    const collector = this.s.collector;
    const task = new Task({
      topology, nodes: new Set(nodes), taskId, partition, config, stores, sharedStores: this.s.globalStores, taskDir,
      output: collector, changelog: collector, wallClock: Date.now,
      numPartitions: (t) => this.s.plan.partitionsOf.get(t), log: this.s.onLog, cacheBudget: this.s.cacheBudget, localState: guard,
    });
    const state: ManagedTask = {
      task, taskDir, stores, changelogEnd: new Map(), positions: new Map(), input: new PartitionGroup(), guard, subId, standby: !active, processorMetadata: new Map(),
    };
    // Kafka's order: stores open, restore to the changelog's end, then processors initialize (seeing restored state).
    await task.initStores();
    // Checkpointed offsets describe local state on disk: in-memory stores restore the whole changelog.
    // A standby restores nothing here: tailStandbys brings it up in steps between the active tasks' batches (Kafka
    // restores standbys after the active tasks, in the background), so a new standby never holds up processing.
    await this.restoreFrom(state, (topic, h) => (h.internal.persistent ? (checkpoint?.[`${topic}-${partition}`] ?? 0) : 0), true, active, active ? undefined : 0);
    if (!active) this.restoring = null;
    return state;
  }

  /** Restores every logged store of a task from `from` to its changelog's current end (progress reported when `report`). */
  /** `active`: under exactly_once the restore waits for open transactions to reach the changelog's end (restore.ts). */
  /** `maxRecords`: stop after about that many records per store (a standby's step), where the reads got to. */
  private async restoreFrom(state: ManagedTask, from: (topic: string, h: StoreHandle) => number, report: boolean, active = false, maxRecords?: number): Promise<number> {
    const { config, log } = this.s;
    const partition = state.task.partition;
    let restored = 0;
    for (const [name, h] of state.stores) {
      if (!h.spec.logging) continue;
      const topic = changelogTopic(config.applicationId, name);
      const end = await restoreStore(log, h, topic, partition, from(topic, h), this.s.isolation, (p) => {
        if (p.done) restored += p.restored;
        if (!report) return;
        this.restoreProgress.set(`${p.topic}-${p.partition}`, p);
        this.s.onRestore?.(p);
      }, active && this.eos ? { onWait: (m) => this.s.onLog?.(m) } : undefined, maxRecords);
      state.changelogEnd.set(`${topic}-${partition}`, end);
    }
    return restored;
  }

  /** Restored stores -> processors initialized, input partitions registered: the task processes from now on. */
  private async activate(state: ManagedTask, topics: string[]): Promise<void> {
    const partition = state.task.partition;
    state.standby = false;
    for (const key of state.changelogEnd.keys()) this.changelogOwner.set(key, state);
    for (const t of topics) state.positions.set(`${t}-${partition}`, { topic: t, partition, offset: 0, time: UNKNOWN_PARTITION_TIME });
    // Kafka's StreamTask.completeRestoration: initializeMetadata (partition times), then the processors initialize
    if (this.s.committed) this.restoreTimes(state, await this.s.committed(topics.map((topic) => ({ topic, partition }))));
    await state.task.initProcessors();
    // Restored: the stores hold their changelogs to the end. Exactly-once keeps no checkpoint while the task runs
    // (Kafka deletes it on init); at-least-once records the restored offsets until the first write-down.
    if (this.eos) state.guard.invalidate();
    else state.guard.checkpoint(Object.fromEntries(state.changelogEnd));
    for (const [key, pos] of state.positions) {
      state.input.queue(key, pos);
      this.byInput.set(key, state);
    }
    this.tasks.set(state.task.taskId, state);
    this.restoring = null;
  }

  /**
   * Standby tasks apply what their changelogs gained since the last call (Kafka's standby update loop); their
   * checkpoints follow. Returns how many changelog records were applied.
   */
  async tailStandbys(): Promise<number> {
    let applied = 0;
    for (const state of this.standbys.values()) {
      const n = await this.restoreFrom(state, (topic) => state.changelogEnd.get(`${topic}-${state.task.partition}`) ?? 0, false, false, STANDBY_RESTORE_STEP);
      if (n > 0) state.guard.checkpoint(Object.fromEntries(state.changelogEnd));
      applied += n;
    }
    return applied;
  }

  /**
   * Closes one active task: clean (its last commit just succeeded: checkpoint, close) or dirty (lost: stores drop
   * what was not committed, no checkpoint).
   */
  async closeTask(taskId: string, clean: boolean): Promise<void> {
    const state = this.tasks.get(taskId);
    if (!state) return;
    this.forget(state);
    if (clean) {
      state.guard.checkpoint(Object.fromEntries(state.changelogEnd));
      await state.task.close();
    } else {
      state.guard.dirty = true;
      await state.task.closeDirty();
    }
  }

  /** Closes a standby task: its stores hold the changelogs up to what it applied, which its checkpoint records. */
  async closeStandby(taskId: string): Promise<void> {
    const state = this.standbys.get(taskId);
    if (!state) return;
    this.standbys.delete(taskId);
    for (const h of state.stores.values()) await h.internal.flush();
    state.guard.checkpoint(Object.fromEntries(state.changelogEnd));
    for (const h of state.stores.values()) await h.internal.close();
  }

  private forget(state: ManagedTask): void {
    this.tasks.delete(state.task.taskId);
    for (const key of state.positions.keys()) this.byInput.delete(key);
    for (const key of state.changelogEnd.keys()) if (this.changelogOwner.get(key) === state) this.changelogOwner.delete(key);
  }

  /**
   * Kafka's TaskManager.getTaskOffsetSums, for a (re)join: every task with local state under the app's state dir
   * that this thread does not run as active, with the sum of the changelog offsets its stores hold (what a restore
   * continues from). A standby of this thread reports what it applied; any other task dir (an earlier run's, another
   * thread's) its checkpoint file. A task dir without a checkpoint is left out: its state would be wiped on open.
   */
  localOffsetSums(): Record<string, number> {
    const appDir = path.join(this.s.stateDir, this.s.config.applicationId);
    const ids = new Set<string>(this.standbys.keys());
    try {
      for (const e of fs.readdirSync(appDir, { withFileTypes: true })) if (e.isDirectory() && TASK_DIR.test(e.name)) ids.add(e.name);
    } catch {
      // no state dir yet: nothing local
    }
    const out: Record<string, number> = {};
    for (const id of [...ids].sort()) {
      if (this.tasks.has(id)) continue;
      const standby = this.standbys.get(id);
      const offsets = standby ? [...standby.changelogEnd.values()] : Object.values(readCheckpoint(path.join(appDir, id)) ?? {});
      if (offsets.length) out[id] = offsets.reduce((a, b) => a + b, 0);
    }
    return out;
  }

  /** The input queue of a topic-partition, or undefined when no task of this thread reads it. */
  queueOf(topic: string, partition: number): PartitionQueue<ConsumerRecord, Position> | undefined {
    const key = `${topic}-${partition}`;
    return this.byInput.get(key)?.input.get(key);
  }

  /** Records the log acknowledged: changelog partitions move their task's end offset (for its checkpoint). */
  acknowledged(metas: RecordMetadata[]): void {
    for (const m of metas) {
      const key = `${m.topic}-${m.partition}`;
      const ts = this.changelogOwner.get(key);
      if (ts) ts.changelogEnd.set(key, Math.max(ts.changelogEnd.get(key)!, m.offset + 1));
    }
  }

  /** Input positions of every task (what a commit commits). */
  positions(): Position[] {
    return [...this.tasks.values()].flatMap((ts) => [...ts.positions.values()]);
  }

  /**
   * What a commit commits (Kafka's StreamTask.committableOffsetsAndMetadata): every input position, each with Kafka
   * Streams' offset metadata holding its partition time and the task's processor metadata. One string per partition
   * per commit.
   */
  committable(): OffsetAndPartition[] {
    const out: OffsetAndPartition[] = [];
    for (const ts of this.tasks.values()) {
      for (const p of ts.positions.values()) {
        out.push({ topic: p.topic, partition: p.partition, offset: p.offset, metadata: encodePartitionMetadata(p.time, ts.processorMetadata) });
      }
    }
    return out;
  }

  /**
   * Kafka's StreamTask.initializeTaskTime: the committed metadata of the task's input partitions (ours or a Kafka
   * Streams owner's, in `state.positions` order) gives each partition its time back, and the task's stream time is
   * at least the largest of them, so punctuation and the processors' stream time go on from where the last owner
   * stopped. Metadata that does not decode is logged once per partition and ignored, as Kafka does: never fatal.
   */
  private restoreTimes(state: ManagedTask, committed: (CommittedOffset | null)[]): void {
    let i = 0;
    for (const [key, pos] of state.positions) {
      const c = committed[i++];
      if (!c?.metadata) continue;
      const d = decodePartitionMetadata(c.metadata);
      if (d.problem && !this.undecodable.has(key)) {
        this.undecodable.add(key);
        this.s.onLog?.(`task ${state.task.taskId}: the offset metadata committed for ${key} (${JSON.stringify(c.metadata.slice(0, 64))}) is not Kafka Streams' partition time: ${d.problem}; ignored, the partition's time starts unknown (as Kafka Streams does)`, 'warn');
      }
      mergeProcessorMetadata(state.processorMetadata, d.processor);
      if (d.partitionTime > pos.time) pos.time = d.partitionTime;
      state.task.restoreStreamTime(d.partitionTime);
    }
  }

  /** After a commit under at-least-once: the stores hold exactly the changelogs to their acknowledged ends. */
  checkpointAll(): void {
    for (const ts of this.tasks.values()) ts.guard.checkpoint(Object.fromEntries(ts.changelogEnd));
  }

  async closeClean(): Promise<void> {
    for (const ts of [...this.tasks.values()]) {
      this.forget(ts);
      await ts.task.close();
    }
    for (const id of [...this.standbys.keys()]) await this.closeStandby(id);
  }

  /**
   * Kafka's closeDirty of the active tasks: stores drop what was not committed, no checkpoint is written. Standby
   * tasks stay (as in Kafka's handleLostAll): their stores hold only committed changelog records.
   */
  async closeDirty(): Promise<void> {
    for (const ts of [...this.tasks.values()]) {
      this.forget(ts);
      ts.guard.dirty = true;
      await ts.task.closeDirty();
    }
  }
}

/** Changelog records a standby task applies per store per tail (then the active tasks go on). */
const STANDBY_RESTORE_STEP = 20_000;
