/**
 * The running app's status for `streams-run`: records/s in and out, lag, commits and restore progress. On a
 * TTY (text format) it is one line redrawn in place every `intervalMs` (2 s by default); otherwise it is a plain
 * log line (`status: ...`, with the figures as JSON fields under --log-format json) every `intervalMs` (10 s).
 */
import type { Logger } from './logger.ts';
import { formatCount, type RestoreReporter } from './restore-report.ts';

export interface StatusSource {
  metrics(): Record<string, unknown>;
  lag(): Promise<Record<string, number>>;
}

export interface StatusOptions {
  applicationId: string;
  /** 0 turns the status off. */
  intervalMs: number;
  now?: () => number;
}

interface Sample {
  at: number;
  processed: number;
  produced: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export class StatusReporter {
  private timer: NodeJS.Timeout | null = null;
  private source: StatusSource | null = null;
  private last: Sample | null = null;
  private busy = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly logger: Logger, private readonly restore: RestoreReporter, private readonly o: StatusOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Starts the timer (before the app runs, a TTY shows restore progress). */
  start(): void {
    if (this.o.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  /** The app is running: its metrics feed the following lines. */
  attach(source: StatusSource): void {
    this.source = source;
    const m = source.metrics();
    this.last = { at: this.now(), processed: num(m.processed), produced: num(m.produced) };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopped = true;
    this.logger.status(null);
  }

  /** One status update (the timer calls it; exposed for tests). */
  async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      const restoring = this.restore.summary();
      if (!this.source) {
        if (restoring) this.logger.status(`${this.o.applicationId}: ${restoring}`);
        return;
      }
      const m = this.source.metrics();
      const lagBy = await this.source.lag().catch(() => (m.lag ?? {}) as Record<string, number>);
      if (this.stopped) return; // stopped while awaiting the lag
      const lag = Object.values(lagBy).reduce((a, b) => a + Math.max(0, b), 0);
      const now = this.now();
      const cur: Sample = { at: now, processed: num(m.processed), produced: num(m.produced) };
      const prev = this.last ?? cur;
      this.last = cur;
      const secs = Math.max(0.001, (cur.at - prev.at) / 1000);
      const inRate = (cur.processed - prev.processed) / secs;
      const outRate = (cur.produced - prev.produced) / secs;
      const commits = num(m.commits);
      const text = `in ${formatCount(inRate)} rec/s, out ${formatCount(outRate)} rec/s, lag ${formatCount(lag)}, ` +
        `${formatCount(commits)} commits, ${formatCount(cur.processed)} processed${restoring ? `; ${restoring}` : ''}`;
      if (this.logger.interactive) this.logger.status(`${this.o.applicationId}: ${text}`);
      else {
        this.logger.info(`status: ${text}`, {
          event: 'status', inPerSec: Math.round(inRate), outPerSec: Math.round(outRate), lag, commits,
          processed: cur.processed, produced: cur.produced, lastCommitMs: num(m.lastCommitMs),
        });
      }
    } finally {
      this.busy = false;
    }
  }
}
