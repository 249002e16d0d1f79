/**
 * Samples a running app's counters (RunnerDetail per stream thread) about once a second and derives what
 * Kafka Streams reports as rates and ratios: records/s per processor node and per thread, the fraction of
 * time spent polling, processing, punctuating and committing. /metrics and the live page both read it.
 * It is the only reader of details(), whose commit latencies it hands to a listener (the histogram).
 */
import type { AppIntrospection, RunnerDetail } from '../app/introspect.ts';

export interface ThreadRates {
  processRate: number;
  pollRatio: number;
  processRatio: number;
  punctuateRatio: number;
  commitRatio: number;
}

export interface Sample {
  atMs: number;
  details: RunnerDetail[];
  /** `${task}\u0000${processor}` -> records/s over the last interval. */
  nodeRates: Map<string, number>;
  /** task id -> records/s. */
  taskRates: Map<string, number>;
  threads: Map<string, ThreadRates>;
}

const MIN_INTERVAL_MS = 200;

export class Sampler {
  private last: Sample | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intro: () => AppIntrospection | null, private readonly onCommitLatencies: (ms: number[]) => void) {}

  start(everyMs = 1000): void {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A fresh sample, or the last one when it is younger than 200 ms (rates need an interval). */
  sample(): Sample | null {
    const intro = this.intro();
    if (!intro) return null;
    const now = Date.now();
    const prev = this.last;
    if (prev && now - prev.atMs < MIN_INTERVAL_MS) return prev;
    const details = intro.details();
    for (const d of details) if (d.commitLatenciesMs.length) this.onCommitLatencies(d.commitLatenciesMs);
    const nodeRates = new Map<string, number>();
    const taskRates = new Map<string, number>();
    const threads = new Map<string, ThreadRates>();
    for (const d of details) {
      const before = prev?.details.find((p) => p.thread === d.thread);
      const elapsedMs = before ? now - prev!.atMs : now - d.startedMs;
      const secs = Math.max(0.001, elapsedMs / 1000);
      let processed = 0;
      let processedBefore = 0;
      for (const t of d.tasks) {
        const bt = before?.tasks.find((x) => x.id === t.id);
        processed += t.processed;
        processedBefore += bt?.processed ?? 0;
        taskRates.set(t.id, Math.max(0, t.processed - (bt?.processed ?? 0)) / secs);
        for (const [node, n] of Object.entries(t.processors)) {
          nodeRates.set(`${t.id}\u0000${node}`, Math.max(0, n - (bt?.processors[node] ?? 0)) / secs);
        }
      }
      const bTime = before?.time ?? { pollMs: 0, processMs: 0, punctuateMs: 0, commitMs: 0 };
      const ratio = (k: keyof RunnerDetail['time']) => Math.min(1, Math.max(0, (d.time[k] - bTime[k]) / Math.max(1, elapsedMs)));
      threads.set(d.thread, {
        processRate: Math.max(0, processed - processedBefore) / secs,
        pollRatio: ratio('pollMs'), processRatio: ratio('processMs'), punctuateRatio: ratio('punctuateMs'), commitRatio: ratio('commitMs'),
      });
    }
    this.last = { atMs: now, details, nodeRates, taskRates, threads };
    return this.last;
  }
}
