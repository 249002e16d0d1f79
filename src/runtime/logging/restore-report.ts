/**
 * Restore progress for people: nothing for an empty restore (a clean restart replays nothing), no ETA until one
 * can be measured (the first report comes before a single record is applied, when any ETA is a guess: a naive
 * one says "200000 s" before a 0.4 s restore), a progress line about every second while a restore lasts longer
 * than that (on a TTY the status line shows it instead), and one line when it ends, with its duration.
 */
import type { RestoreProgress } from '../runner/restore.ts';
import type { Logger } from './logger.ts';

interface Active {
  began: number;
  p: RestoreProgress;
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export class RestoreReporter {
  private readonly active = new Map<string, Active>();

  constructor(private readonly logger: Logger, private readonly now: () => number = Date.now) {}

  /** The runner's onRestore callback. */
  readonly onProgress = (p: RestoreProgress): void => {
    if (p.total <= 0) return;
    const key = `${p.topic}-${p.partition}`;
    const now = this.now();
    const a = this.active.get(key);
    if (!p.done) {
      if (!a) {
        this.active.set(key, { began: now, p });
        this.logger.debug(`restoring ${p.store} (${key}) from offset ${p.from}: ${formatCount(p.total)} records to replay`, { event: 'restore-start', ...fields(p) });
        return;
      }
      a.p = p;
      if (this.logger.interactive) return;
      const eta = etaMs(a, now);
      this.logger.info(
        `restoring ${p.store} (${key}): ${percent(p)} (${formatCount(p.restored)}/${formatCount(p.total)} records), ` +
        `${formatCount(rate(a, now))} rec/s${eta === null ? '' : `, about ${formatDuration(eta)} left`}`,
        { event: 'restore-progress', ...fields(p), elapsedMs: now - a.began, etaMs: eta },
      );
      return;
    }
    this.active.delete(key);
    const elapsed = a ? now - a.began : 0;
    const perSec = elapsed > 0 ? (p.restored * 1000) / elapsed : null;
    this.logger.info(
      `restored ${p.store} (${key}) from offset ${p.from}: ${formatCount(p.restored)} records in ${formatDuration(elapsed)}` +
      (perSec === null ? '' : ` (${formatCount(perSec)} rec/s)`),
      { event: 'restore-done', ...fields(p), elapsedMs: elapsed },
    );
  };

  /** For the status line: the restores in progress, e.g. "restoring counts 45% (1,200/2,600)", or null. */
  summary(): string | null {
    if (this.active.size === 0) return null;
    const now = this.now();
    const parts = [...this.active.values()].map((a) => {
      const eta = etaMs(a, now);
      return `${a.p.store} ${percent(a.p)} (${formatCount(a.p.restored)}/${formatCount(a.p.total)})${eta === null ? '' : ` ~${formatDuration(eta)}`}`;
    });
    return `restoring ${parts.join(', ')}`;
  }
}

const fields = (p: RestoreProgress) => ({ store: p.store, topic: p.topic, partition: p.partition, from: p.from, restored: p.restored, total: p.total });
const percent = (p: RestoreProgress) => `${Math.floor((100 * p.restored) / p.total)}%`;
const rate = (a: Active, now: number) => (a.p.restored * 1000) / Math.max(1, now - a.began);

/** Remaining time from the rate measured so far; null before a second of progress (any figure would be a guess). */
function etaMs(a: Active, now: number): number | null {
  const elapsed = now - a.began;
  if (elapsed < 1000 || a.p.restored <= 0) return null;
  return Math.round(((a.p.total - a.p.restored) * elapsed) / a.p.restored);
}
