/** Internal: Duration -> whole milliseconds with option-naming errors (Kafka works in long millis). */
import { toMillis, type Duration } from '../api/records.ts';

/** A non-negative whole number of milliseconds. */
export function wholeMs(d: Duration, what: string): number {
  const ms = toMillis(d, what);
  if (!Number.isSafeInteger(ms)) throw new RangeError(`${what} must be a whole number of milliseconds, got ${d}`);
  return ms;
}

/** Like {@link wholeMs} but may be negative (JoinWindows' before/after): `-5000` or `'-5s'`. */
export function signedMs(d: Duration, what: string): number {
  if (typeof d === 'number' ? d < 0 : d.startsWith('-')) {
    const abs = typeof d === 'number' ? -d : (d.slice(1) as Duration);
    return -wholeMs(abs, what);
  }
  return wholeMs(d, what);
}

/** Grace defaults to 0 (Kafka 4's `...WithNoGrace`); it can never be negative. */
export function graceMs(grace: Duration | undefined): number {
  return grace === undefined ? 0 : wholeMs(grace, 'grace');
}
