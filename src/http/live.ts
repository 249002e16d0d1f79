/** The live page's numbers (one /events message): app state, per-node rates, per-task lag, state and restore progress. */
import type { RunningApp } from '../app/app.ts';
import type { AppIntrospection } from '../app/introspect.ts';
import type { RestoreProgress } from '../runtime/runner/restore.ts';
import type { Sampler } from './sampler.ts';

export interface LiveTask {
  id: string;
  thread: string;
  state: string;
  lag: number;
  processed: number;
  recordsPerSec: number;
  restore: RestoreProgress[];
}

export interface LiveState {
  state: 'starting' | 'running' | 'failed';
  error: string | null;
  recordsPerSec: number;
  lag: number;
  commits: number;
  /** Per processor node, summed over tasks. */
  nodes: Record<string, { rate: number; total: number }>;
  tasks: LiveTask[];
}

export async function liveState(running: RunningApp | null, intro: AppIntrospection | null, sampler: Sampler, restore: RestoreProgress[]): Promise<LiveState> {
  if (!running || !intro) {
    const byTask = new Map<string, LiveTask>();
    for (const p of restore) {
      const id = `partition ${p.partition}`;
      const t = byTask.get(id) ?? { id, thread: '', state: 'restoring', lag: 0, processed: 0, recordsPerSec: 0, restore: [] };
      t.restore.push(p);
      byTask.set(id, t);
    }
    return { state: 'starting', error: null, recordsPerSec: 0, lag: 0, commits: 0, nodes: {}, tasks: [...byTask.values()] };
  }
  const s = sampler.sample();
  const lag = await intro.lag();
  const err = running.error();
  const nodes: LiveState['nodes'] = {};
  const tasks: LiveTask[] = [];
  const parts = new Map<string, string>();
  let commits = 0;
  let rate = 0;
  for (const d of s?.details ?? []) {
    commits += d.commits;
    rate += s?.threads.get(d.thread)?.processRate ?? 0;
    for (const t of d.tasks) {
      for (const p of t.partitions) parts.set(p, t.id);
      for (const [node, total] of Object.entries(t.processors)) {
        const r = s?.nodeRates.get(`${t.id}\u0000${node}`) ?? 0;
        const e = (nodes[node] ??= { rate: 0, total: 0 });
        e.rate += r;
        e.total += total;
      }
      const partition = Number(t.id.slice(t.id.indexOf('_') + 1));
      const restoreOf = d.restore.filter((p) => p.partition === partition && t.stores.includes(p.store));
      tasks.push({ id: t.id, thread: d.thread, state: t.state, lag: 0, processed: t.processed, recordsPerSec: s?.taskRates.get(t.id) ?? 0, restore: restoreOf });
    }
  }
  let totalLag = 0;
  for (const [tp, n] of Object.entries(lag)) {
    totalLag += n;
    const id = parts.get(tp);
    const t = tasks.find((x) => x.id === id);
    if (t) t.lag += n;
  }
  return { state: err ? 'failed' : 'running', error: err ? String((err as Error).message ?? err) : null, recordsPerSec: rate, lag: totalLag, commits, nodes, tasks };
}
