/**
 * Kafka's TaskManager for one stream thread: creates its tasks (one per sub-topology and partition) with their
 * stores, wipes local state no checkpoint covers, restores stores from their changelogs before processors
 * initialize (Kafka's order), keeps each task's input queues and positions, and closes tasks clean or dirty.
 */
import fs from 'node:fs';
import path from 'node:path';
import { changelogTopic } from '../../api/topic-names.ts';
import type { LogClient } from '../../log-client/client.ts';
import type { ConsumerRecord, Isolation, OffsetAndPartition, RecordMetadata } from '../../log-client/types.ts';
import type { CacheBudget } from '../../state/types.ts';
import type { Topology } from '../../topology/topology.ts';
import type { ResolvedConfig } from '../config.ts';
import { PartitionGroup, type PartitionQueue } from '../partition-group.ts';
import { createStoresFor, type StoreFactoryOptions, type StoreHandle } from '../stores/stores.ts';
import { Task } from '../task.ts';
import { CheckpointGuard, readCheckpoint } from './checkpoint.ts';
import type { RecordCollector } from './record-collector.ts';
import { restoreStore, type RestoreProgress } from './restore.ts';
import type { TopicPlan } from './topics.ts';

export type Position = OffsetAndPartition;

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
  onLog?: (line: string) => void;
  onRestore?: (p: RestoreProgress) => void;
}

export class TaskManager {
  readonly tasks = new Map<string, ManagedTask>();
  private readonly byInput = new Map<string, ManagedTask>();
  /** Changelog topic-partition -> the task whose checkpoint records its end offset. */
  private readonly changelogOwner = new Map<string, ManagedTask>();
  readonly restoreProgress = new Map<string, RestoreProgress>();
  /** The task being created and restored, if any (the live page shows it as restoring). */
  restoring: string | null = null;

  constructor(private readonly s: TaskManagerSetup) {}

  private get eos(): boolean {
    return this.s.config.processingGuarantee === 'exactly_once';
  }

  async createTask(subId: number, nodes: readonly string[], partition: number, topics: string[]): Promise<void> {
    const { topology, config, log } = this.s;
    const taskId = `${subId}_${partition}`;
    const taskDir = path.join(this.s.stateDir, config.applicationId, taskId);
    this.restoring = taskId;
    const stores = createStoresFor(topology, nodes, false, this.s.storeOptions);
    const checkpoint = readCheckpoint(taskDir);
    // A store no checkpoint covers (a dirty stop, or state written ahead of the last commit) may hold writes whose
    // changelog records, outputs and input offsets were never committed. Under either guarantee such a store would
    // make a replayed record look already processed (a dedupe would drop it): every persistent store with a
    // changelog is rebuilt from it. Stores without one have nothing to rebuild from and are kept, as in Kafka.
    const wiped: string[] = [];
    for (const [name, h] of stores) {
      const dir = path.join(taskDir, name);
      const covered = checkpoint?.[`${changelogTopic(config.applicationId, name)}-${partition}`] !== undefined;
      if (covered || !h.spec.logging || !h.internal.persistent || !fs.existsSync(dir)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      wiped.push(name);
    }
    if (wiped.length) this.s.onLog?.(`streams-run: task ${taskId}: no checkpoint covers the local state of [${wiped.join(', ')}] in ${taskDir} (unclean stop): wiped, restoring from the changelogs.`);
    fs.mkdirSync(taskDir, { recursive: true });
    const guard = new CheckpointGuard(taskDir, checkpoint !== null);
    const collector = this.s.collector;
    const task = new Task({
      topology, nodes: new Set(nodes), taskId, partition, config, stores, sharedStores: this.s.globalStores, taskDir,
      output: collector, changelog: collector, wallClock: Date.now,
      numPartitions: (t) => this.s.plan.partitionsOf.get(t), log: this.s.onLog, cacheBudget: this.s.cacheBudget, localState: guard,
    });
    const state: ManagedTask = { task, taskDir, stores, changelogEnd: new Map(), positions: new Map(), input: new PartitionGroup(), guard };
    // Kafka's order: stores open, restore to the changelog's end, then processors initialize (seeing restored state).
    await task.initStores();
    for (const [name, h] of stores) {
      if (!h.spec.logging) continue;
      const topic = changelogTopic(config.applicationId, name);
      // Checkpointed offsets describe local state on disk: in-memory stores restore the whole changelog.
      const from = h.internal.persistent ? (checkpoint?.[`${topic}-${partition}`] ?? 0) : 0;
      const end = await restoreStore(log, h, topic, partition, from, this.s.isolation, (p) => {
        this.restoreProgress.set(`${p.topic}-${p.partition}`, p);
        this.s.onRestore?.(p);
      });
      state.changelogEnd.set(`${topic}-${partition}`, end);
      this.changelogOwner.set(`${topic}-${partition}`, state);
    }
    await task.initProcessors();
    // Restored: the stores hold their changelogs to the end. Exactly-once keeps no checkpoint while the task runs
    // (Kafka deletes it on init); at-least-once records the restored offsets until the first write-down.
    if (this.eos) guard.invalidate();
    else guard.checkpoint(Object.fromEntries(state.changelogEnd));
    for (const t of topics) {
      const key = `${t}-${partition}`;
      const pos = { topic: t, partition, offset: 0 };
      state.positions.set(key, pos);
      state.input.queue(key, pos);
      this.byInput.set(key, state);
    }
    this.tasks.set(taskId, state);
    this.restoring = null;
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

  /** After a commit under at-least-once: the stores hold exactly the changelogs to their acknowledged ends. */
  checkpointAll(): void {
    for (const ts of this.tasks.values()) ts.guard.checkpoint(Object.fromEntries(ts.changelogEnd));
  }

  async closeClean(): Promise<void> {
    for (const ts of this.tasks.values()) await ts.task.close();
  }

  /** Kafka's closeDirty: stores drop what was not committed, no checkpoint is written. */
  async closeDirty(): Promise<void> {
    for (const ts of this.tasks.values()) {
      ts.guard.dirty = true;
      await ts.task.closeDirty();
    }
  }
}
