/**
 * Interactive-query reads over a store's handles (one per task): a key, a key range, a key's windows or sessions,
 * as rows. The HTTP layer answers with them; a stream thread answers the main thread's queries with them.
 */
import type { KeyValue } from '../../api/records.ts';
import type { ReadOnlySessionStore, ReadOnlyWindowStore, SessionEntry, TimestampedValue } from '../../api/stores.ts';
import type { ValueAndTimestamp } from '../../state/types.ts';
import type { StoreHandle } from './stores.ts';

/** One row of an answer: a key-value entry, or a window or session of a key. */
export interface Row {
  key: unknown;
  value: unknown;
  timestamp?: number | null;
  window?: { start: number; end: number };
}

/** A query with its keys parsed by the store's key serde (what crosses to a stream thread). */
export type StoreRead =
  | { type: 'key'; store: string; key: unknown }
  | { type: 'range'; store: string; from: unknown; to: unknown }
  | { type: 'windows'; store: string; key: unknown; from: number; to: number }
  | { type: 'sessions'; store: string; key: unknown };

/** The rows of a read over the handles (a key read: at most one). */
export function readRows(handles: StoreHandle[], q: StoreRead): AsyncIterable<Row> {
  switch (q.type) {
    case 'key': return keyRows(handles, q.key);
    case 'range': return rangeRows(handles, q.from, q.to);
    case 'windows': return windowRows(handles, q.key, q.from, q.to, handles[0]?.spec.windowSizeMs ?? 0);
    case 'sessions': return sessionRows(handles, q.key);
  }
}

async function* keyRows(handles: StoreHandle[], key: unknown): AsyncIterable<Row> {
  for (const h of handles) {
    const row = getRow(h, key);
    if (row) {
      yield row;
      return;
    }
  }
}

export function getRow(h: StoreHandle, key: unknown): Row | null {
  if (h.spec.kind === 'timestampedKeyValue') {
    const vt = (h.internal as unknown as { get(k: unknown): ValueAndTimestamp<unknown> | undefined }).get(key);
    return vt === undefined || vt === null ? null : { key, value: vt.value, timestamp: vt.timestamp };
  }
  const v = (h.publicView() as { get(k: unknown): unknown }).get(key);
  return v === undefined || v === null ? null : { key, value: v, timestamp: null };
}

export async function* rangeRows(handles: StoreHandle[], from: unknown, to: unknown): AsyncIterable<Row> {
  for (const h of handles) {
    if (h.spec.kind === 'timestampedKeyValue') {
      const s = h.internal as unknown as { range(f: unknown, t: unknown): AsyncIterable<KeyValue<unknown, ValueAndTimestamp<unknown>>> };
      for await (const kv of s.range(from, to)) yield { key: kv.key, value: kv.value.value, timestamp: kv.value.timestamp };
    } else {
      const s = h.publicView() as { range(f: unknown, t: unknown): AsyncIterable<KeyValue<unknown, unknown>> };
      for await (const kv of s.range(from, to)) yield { key: kv.key, value: kv.value, timestamp: null };
    }
  }
}

export async function* windowRows(handles: StoreHandle[], key: unknown, from: number, to: number, size: number): AsyncIterable<Row> {
  for (const h of handles) {
    const s = h.publicView() as ReadOnlyWindowStore<unknown, unknown>;
    for await (const tv of s.fetch(key, from, to) as AsyncIterable<TimestampedValue<unknown>>) {
      yield { key, value: tv.value, window: { start: tv.timestamp, end: tv.timestamp + size } };
    }
  }
}

export async function* sessionRows(handles: StoreHandle[], key: unknown): AsyncIterable<Row> {
  for (const h of handles) {
    const s = h.publicView() as ReadOnlySessionStore<unknown, unknown>;
    for await (const e of s.fetch(key) as AsyncIterable<SessionEntry<unknown, unknown>>) {
      yield { key: e.key, value: e.value, window: { start: e.window.start, end: e.window.end } };
    }
  }
}
