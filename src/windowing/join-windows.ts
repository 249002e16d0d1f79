import type { Duration } from '../api/records.ts';
import { graceMs, signedMs, wholeMs } from './ms.ts';

/**
 * Stream-stream join windows as Kafka's `JoinWindows.ofTimeDifferenceAndGrace(...).before(...).after(...)`:
 * a left record at `t` joins right records with `t - beforeMs <= right.ts <= t + afterMs`.
 * (Seen from the right stream the bounds swap: left.ts in `[t - afterMs, t + beforeMs]`.)
 */
export interface JoinWindows {
  readonly kind: 'join';
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number;
  /** `beforeMs + afterMs`. */
  readonly sizeMs: number;
  /** True when `leftTs - beforeMs <= rightTs <= leftTs + afterMs`. */
  matches(leftTs: number, rightTs: number): boolean;
}

export interface JoinWindowsOptions {
  /** Default for both `before` and `after`. Must not be negative. */
  timeDifference: Duration;
  /** How far the other record may be earlier. May be negative if `before + after >= 0`. */
  before?: Duration;
  /** How far the other record may be later. May be negative if `before + after >= 0`. */
  after?: Duration;
  /** Default 0. */
  grace?: Duration;
}

export const JoinWindows = Object.freeze({
  /** @throws RangeError if timeDifference or grace is negative, or before + after < 0. */
  of(options: JoinWindowsOptions): JoinWindows {
    const diff = wholeMs(options.timeDifference, 'timeDifference');
    const beforeMs = options.before === undefined ? diff : signedMs(options.before, 'before');
    const afterMs = options.after === undefined ? diff : signedMs(options.after, 'after');
    if (beforeMs + afterMs < 0) {
      throw new RangeError(`JoinWindows interval before + after must not be negative, got ${beforeMs} + ${afterMs} ms`);
    }
    return Object.freeze({
      kind: 'join' as const,
      beforeMs,
      afterMs,
      graceMs: graceMs(options.grace),
      sizeMs: beforeMs + afterMs,
      matches: (leftTs: number, rightTs: number) => leftTs - beforeMs <= rightTs && rightTs <= leftTs + afterMs,
    });
  },
});
