/** running.tasks() (API.md section 6): the tasks this instance owns, their state and their stores' restores. */
import type { RestoreProgress } from '../runtime/runner/restore.ts';
import type { RunnerDetail } from '../runtime/runner/introspect.ts';

export interface TaskInfo {
  /** Kafka's task id: `<sub-topology>_<partition>`. */
  readonly id: string;
  /** 'active' processes its partitions; 'standby' keeps a warm copy of stores another instance's active task writes. */
  readonly type: 'active' | 'standby';
  readonly state: 'restoring' | 'running';
  /** Input partitions as `<topic>-<partition>`. */
  readonly partitions: readonly string[];
  readonly stores: readonly string[];
  /** Records processed so far. */
  readonly processed: number;
  /** The restore of each of its changelog partitions (latest progress; `done` once restored). */
  readonly restore: readonly RestoreProgress[];
}

/** The tasks of every stream thread, in task id order. */
export function taskInfos(threads: ReadonlyArray<Pick<RunnerDetail, 'tasks' | 'restore'>>): TaskInfo[] {
  const out: TaskInfo[] = [];
  for (const t of threads) {
    for (const task of t.tasks) {
      const partition = Number(task.id.slice(task.id.indexOf('_') + 1));
      const restore = t.restore.filter((r) => r.partition === partition && (task.stores.includes(r.store) || task.state === 'restoring'));
      out.push({ id: task.id, type: task.type ?? 'active', state: task.state, partitions: task.partitions, stores: task.stores, processed: task.processed, restore });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}
