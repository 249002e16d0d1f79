/** Public record, duration and header types (API.md section 1). */

export type Headers = { [name: string]: Uint8Array | string };

export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

export interface StreamRecord<K, V> {
  key: K;
  value: V;
  timestamp: number;
  headers?: Headers;
  topic?: string;
  partition?: number;
  offset?: number;
}

export interface KeyValue<K, V> {
  key: K;
  value: V;
}

/** A window's bounds in epoch milliseconds: `[start, end)` for time windows, `[start, end]` for sessions. */
export interface Window {
  start: number;
  end: number;
}

export interface Windowed<K> {
  key: K;
  window: Window;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Turns a Duration into milliseconds; `what` names the option in the error message. */
export function toMillis(d: Duration, what = 'duration'): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new RangeError(`${what} must be a non-negative number of milliseconds, got ${d}`);
    return d;
  }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new RangeError(`${what} must be a number of ms or a string like '10s', '1m', '500ms', got '${d}'`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}
