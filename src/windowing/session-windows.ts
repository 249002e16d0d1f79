import type { Duration } from '../api/records.ts';
import { graceMs, wholeMs } from './ms.ts';

/**
 * Session windows as Kafka's `SessionWindows.ofInactivityGapAndGrace`: records of a key closer
 * than `inactivityGapMs` merge into one session `[first, last]` (both bounds inclusive).
 */
export interface SessionWindows {
  readonly kind: 'session';
  readonly inactivityGapMs: number;
  readonly graceMs: number;
  /** True once `sessionEnd < streamTime - graceMs - inactivityGapMs`. */
  isClosed(sessionEnd: number, streamTime: number): boolean;
}

export interface SessionWindowsOptions {
  /** Must be larger than zero. */
  inactivityGap: Duration;
  /** Default 0. */
  grace?: Duration;
}

export const SessionWindows = Object.freeze({
  /** @throws RangeError if inactivityGap <= 0 or grace < 0. */
  of(options: SessionWindowsOptions): SessionWindows {
    const inactivityGapMs = wholeMs(options.inactivityGap, 'inactivityGap');
    if (inactivityGapMs <= 0) throw new RangeError(`SessionWindows inactivityGap must be larger than zero, got ${inactivityGapMs} ms`);
    const grace = graceMs(options.grace);
    return Object.freeze({
      kind: 'session' as const,
      inactivityGapMs,
      graceMs: grace,
      isClosed: (sessionEnd: number, streamTime: number) => sessionEnd < streamTime - grace - inactivityGapMs,
    });
  },
});
