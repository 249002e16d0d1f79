import type { Duration, Window } from '../api/records.ts';
import { graceMs, wholeMs } from './ms.ts';

/**
 * Fixed-size, epoch-aligned windows `[start, end)`: tumbling when `advanceMs === sizeMs`, hopping
 * (overlapping) when smaller. Mirrors Kafka's `TimeWindows.ofSizeAndGrace(...).advanceBy(...)`.
 */
export interface TimeWindows {
  readonly kind: 'time';
  readonly sizeMs: number;
  readonly advanceMs: number;
  readonly graceMs: number;
  /**
   * The windows containing `timestamp`, by ascending start: every `start = n * advanceMs` with
   * `start <= timestamp < start + sizeMs` and `start >= 0` (Kafka never creates negative starts,
   * so a record early in the epoch falls into fewer hopping windows).
   */
  windowsFor(timestamp: number): Window[];
  /** Stream time at which the window ending at `windowEnd` closes: `windowEnd + graceMs`. */
  closeTime(windowEnd: number): number;
  /** True once `streamTime >= windowEnd + graceMs`; records for a closed window are dropped. */
  isClosed(windowEnd: number, streamTime: number): boolean;
}

/** Options for {@link TimeWindows.of}; durations are ms numbers or strings like `'5m'`. */
export interface TimeWindowsOptions {
  size: Duration;
  /** Hop between window starts; `0 < advanceBy <= size`. Default: `size` (tumbling). */
  advanceBy?: Duration;
  /** How long after a window's end late records are still accepted. Default 0. */
  grace?: Duration;
}

export const TimeWindows = Object.freeze({
  /** @throws RangeError if size <= 0, advanceBy is not in (0, size], or grace < 0. */
  of(options: TimeWindowsOptions): TimeWindows {
    const sizeMs = wholeMs(options.size, 'size');
    if (sizeMs <= 0) throw new RangeError(`TimeWindows size must be larger than zero, got ${sizeMs} ms`);
    const advanceMs = options.advanceBy === undefined ? sizeMs : wholeMs(options.advanceBy, 'advanceBy');
    if (advanceMs <= 0 || advanceMs > sizeMs) {
      throw new RangeError(`TimeWindows advanceBy must lie within (0, ${sizeMs}] ms (the window size), got ${advanceMs} ms`);
    }
    const grace = graceMs(options.grace);
    return Object.freeze({
      kind: 'time' as const,
      sizeMs,
      advanceMs,
      graceMs: grace,
      windowsFor(timestamp: number): Window[] {
        const windows: Window[] = [];
        // Kafka: (max(0, ts - size + advance) / advance) * advance, with long (truncating) division.
        let start = Math.floor(Math.max(0, timestamp - sizeMs + advanceMs) / advanceMs) * advanceMs;
        for (; start <= timestamp; start += advanceMs) windows.push({ start, end: start + sizeMs });
        return windows;
      },
      closeTime: (windowEnd: number) => windowEnd + grace,
      isClosed: (windowEnd: number, streamTime: number) => streamTime >= windowEnd + grace,
    });
  },
});
