/** A stream thread's counters for metrics and the live page (src/app/introspect.ts hands them to src/http). */
import type { RestoreProgress } from './restore.ts';

export interface TaskDetail {
  id: string;
  /** 'standby': a warm copy of stores another member's active task writes (scale-out); absent means active. */
  type?: 'active' | 'standby';
  state: 'restoring' | 'running';
  processed: number;
  /** Records per processor node. */
  processors: Record<string, number>;
  /** Approximate entries per key-value store; bytes on disk per persistent store. */
  storeEntries: Record<string, number>;
  storeBytes: Record<string, number>;
  stores: string[];
  /** Input partitions as `<topic>-<partition>`. */
  partitions: string[];
}

/** One stream thread's counters, cumulative since it started (commit latencies: new ones since the last drain). */
export interface RunnerDetail {
  thread: string;
  startedMs: number;
  tasks: TaskDetail[];
  /** operator -> reason -> count. */
  droppedBy: Record<string, Record<string, number>>;
  skipped: number;
  commits: number;
  restore: RestoreProgress[];
  lag: Record<string, number>;
  time: { pollMs: number; processMs: number; punctuateMs: number; commitMs: number };
  commitLatenciesMs: number[];
  cache: { hits: number; misses: number };
}

