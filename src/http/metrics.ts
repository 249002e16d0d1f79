/**
 * /metrics: Kafka Streams' metrics in Prometheus naming through prom-client, read from the sampler at scrape
 * time (collect callbacks), plus the process' default metrics. Stream threads (worker_threads) report their
 * counters to the main thread, so one registry here covers them all.
 */
import client from 'prom-client';
import type { AppIntrospection, RunnerDetail } from '../app/introspect.ts';
import type { RestoreProgress } from '../runtime/runner/restore.ts';
import type { Sampler } from './sampler.ts';

export interface MetricsSources {
  sampler: Sampler;
  intro: () => AppIntrospection | null;
  /** Restore progress seen while the app starts (before it is attached) and after. */
  restore: () => RestoreProgress[];
}

/** `<topic>-<partition>` -> labels (topics may contain dashes: the partition is after the last one). */
function splitTp(tp: string): { topic: string; partition: string } {
  const i = tp.lastIndexOf('-');
  return { topic: tp.slice(0, i), partition: tp.slice(i + 1) };
}

export function createRegistry(src: MetricsSources): { registry: client.Registry; observeCommits(ms: number[]): void } {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  // prom-client names three gauges *_total, which promtool's lint rejects (a _total suffix means a counter);
  // their per-type siblings (nodejs_active_handles{type}, ...) stay and sum to the same.
  for (const m of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(m);
  const registers = [registry];
  const details = (): RunnerDetail[] => src.sampler.sample()?.details ?? [];

  const counter = (name: string, help: string, labelNames: string[], fill: (set: (labels: Record<string, string>, v: number) => void) => void) =>
    new client.Counter({
      name, help, labelNames, registers,
      collect() {
        this.reset();
        fill((labels, v) => this.inc(labels, v));
      },
    });
  const gauge = (name: string, help: string, labelNames: string[], fill: (set: (labels: Record<string, string>, v: number) => void) => void | Promise<void>) =>
    new client.Gauge({
      name, help, labelNames, registers,
      async collect() {
        this.reset();
        await fill((labels, v) => this.set(labels, v));
      },
    });

  counter('tributary_process_total', 'Records processed per processor node (Kafka Streams process-total).', ['thread', 'task', 'processor'], (set) => {
    for (const d of details()) for (const t of d.tasks) for (const [p, n] of Object.entries(t.processors)) set({ thread: d.thread, task: t.id, processor: p }, n);
  });
  gauge('tributary_process_rate', 'Records per second per processor node over the last second (process-rate).', ['thread', 'task', 'processor'], (set) => {
    const s = src.sampler.sample();
    if (!s) return;
    for (const d of s.details) for (const t of d.tasks) for (const p of Object.keys(t.processors)) set({ thread: d.thread, task: t.id, processor: p }, s.nodeRates.get(`${t.id}\u0000${p}`) ?? 0);
  });
  gauge('tributary_thread_process_rate', 'Records per second per stream thread (thread process-rate).', ['thread'], (set) => {
    for (const [thread, r] of src.sampler.sample()?.threads ?? []) set({ thread }, r.processRate);
  });
  for (const [key, what] of [['pollRatio', 'poll'], ['processRatio', 'process'], ['punctuateRatio', 'punctuate'], ['commitRatio', 'commit']] as const) {
    gauge(`tributary_${what}_ratio`, `Fraction of the last interval the thread spent in ${what} (${what}-ratio).`, ['thread'], (set) => {
      for (const [thread, r] of src.sampler.sample()?.threads ?? []) set({ thread }, r[key]);
    });
  }
  gauge('tributary_records_lag', 'Records in the input partition after the position of its task (records-lag).', ['topic', 'partition'], async (set) => {
    const intro = src.intro();
    if (!intro) return;
    for (const [tp, lag] of Object.entries(await intro.lag())) set(splitTp(tp), lag);
  });
  const commitLatency = new client.Histogram({
    name: 'tributary_commit_latency_seconds', help: 'Time to commit: flush stores, send changelog and output records, commit offsets (commit-latency).',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
  });
  counter('tributary_commit_total', 'Commits per stream thread (commit-total).', ['thread'], (set) => {
    for (const d of details()) set({ thread: d.thread }, d.commits);
  });
  gauge('tributary_restore_remaining_records', 'Changelog records still to restore per store and partition (restore-remaining-records-total).', ['store', 'partition'], (set) => {
    for (const p of src.restore()) set({ store: p.store, partition: String(p.partition) }, p.done ? 0 : Math.max(0, p.total - p.restored));
  });
  counter('tributary_restore_total', 'Changelog records restored per store and partition (restore-total).', ['store', 'partition'], (set) => {
    for (const p of src.restore()) set({ store: p.store, partition: String(p.partition) }, p.restored);
  });
  gauge('tributary_restore_rate', 'Records restored per second per store and partition (restore-rate).', ['store', 'partition'], (set) => {
    for (const p of src.restore()) set({ store: p.store, partition: String(p.partition) }, p.recordsPerSec);
  });
  counter('tributary_dropped_records_total', 'Records a DSL operator dropped, by reason (dropped-records-total).', ['reason', 'processor'], (set) => {
    const sum = new Map<string, { reason: string; processor: string; n: number }>();
    for (const d of details()) for (const [processor, reasons] of Object.entries(d.droppedBy)) for (const [reason, n] of Object.entries(reasons)) {
      const k = `${reason}\u0000${processor}`;
      const e = sum.get(k) ?? { reason, processor, n: 0 };
      e.n += n;
      sum.set(k, e);
    }
    for (const e of sum.values()) set({ reason: e.reason, processor: e.processor }, e.n);
  });
  counter('tributary_skipped_records_total', 'Records skipped by a continue error handler, per thread.', ['thread'], (set) => {
    for (const d of details()) set({ thread: d.thread }, d.skipped);
  });
  gauge('tributary_cache_hit_ratio', 'Reads answered by the record cache, over all reads since start, per thread (hit-ratio).', ['thread'], (set) => {
    for (const d of details()) {
      const reads = d.cache.hits + d.cache.misses;
      if (reads > 0) set({ thread: d.thread }, d.cache.hits / reads);
    }
  });
  gauge('tributary_store_entries', 'Approximate entries per key-value store and task (estimate-num-keys).', ['task', 'store'], (set) => {
    for (const d of details()) for (const t of d.tasks) for (const [store, n] of Object.entries(t.storeEntries)) set({ task: t.id, store }, n);
  });
  gauge('tributary_store_size_bytes', 'Bytes on disk per persistent store and task (LevelDB files).', ['task', 'store'], (set) => {
    for (const d of details()) for (const t of d.tasks) for (const [store, n] of Object.entries(t.storeBytes)) set({ task: t.id, store }, n);
  });
  gauge('tributary_task_running', '1 for a task that processes, 0 while it restores.', ['thread', 'task'], (set) => {
    for (const d of details()) for (const t of d.tasks) set({ thread: d.thread, task: t.id }, t.state === 'running' ? 1 : 0);
  });
  return { registry, observeCommits: (ms) => { for (const m of ms) commitLatency.observe(m / 1000); } };
}
