import type { Duration } from '../api/records.ts';
import { graceMs, wholeMs } from './ms.ts';

/**
 * Sliding windows as Kafka's `SlidingWindows.ofTimeDifferenceAndGrace`: two records fall in a
 * common window when their timestamps differ by at most `timeDifferenceMs`. Windows are
 * `[start, end]` with both bounds inclusive and `end - start === timeDifferenceMs`; they are
 * created per record (a record's left window `[ts - d, ts]`, right window `[ts + 1, ts + 1 + d]`)
 * by the aggregation, not by epoch alignment.
 */
export interface SlidingWindows {
  readonly kind: 'sliding';
  readonly timeDifferenceMs: number;
  readonly graceMs: number;
  /** True once `streamTime > windowEnd + graceMs` (stricter than time windows' `>=`). */
  isClosed(windowEnd: number, streamTime: number): boolean;
}

export interface SlidingWindowsOptions {
  /** Maximum time difference (inclusive) between records in one window; may be 0. */
  timeDifference: Duration;
  /** Default 0. */
  grace?: Duration;
}

export const SlidingWindows = Object.freeze({
  /** @throws RangeError if timeDifference or grace is negative. */
  of(options: SlidingWindowsOptions): SlidingWindows {
    const timeDifferenceMs = wholeMs(options.timeDifference, 'timeDifference');
    const grace = graceMs(options.grace);
    return Object.freeze({
      kind: 'sliding' as const,
      timeDifferenceMs,
      graceMs: grace,
      isClosed: (windowEnd: number, streamTime: number) => streamTime > windowEnd + grace,
    });
  },
});
