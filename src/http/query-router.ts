/**
 * Interactive queries for the HTTP layer. Every query (one key, a key range, a key's windows or sessions) goes
 * through `lookup`: the one place the scale-out work makes forward to the instance that owns the key (found
 * through applicationServer metadata); today every store is local. Keys arrive as URL path text and are parsed
 * with the store's key serde: string keys as they are, other keys as JSON.
 */
import type { KeyValue } from '../api/records.ts';
import type { ReadOnlySessionStore, ReadOnlyWindowStore, SessionEntry, TimestampedValue } from '../api/stores.ts';
import { serdes } from '../serdes/index.ts';
import type { RunningApp } from '../app/app.ts';
import { introspect, type StoreInfo } from '../app/introspect.ts';
import type { StoreHandle } from '../runtime/stores/stores.ts';
import type { ValueAndTimestamp } from '../state/types.ts';
import { HttpError } from './errors.ts';

export type Query =
  | { type: 'key'; store: string; key: string }
  | { type: 'range'; store: string; from?: string; to?: string }
  | { type: 'windows'; store: string; key: string; from?: string; to?: string }
  | { type: 'sessions'; store: string; key: string };

/** One row of an answer: a key-value entry, or a window or session of a key. */
export interface Row {
  key: unknown;
  value: unknown;
  timestamp?: number | null;
  window?: { start: number; end: number };
}

export type Answer = { kind: 'one'; row: Row } | { kind: 'many'; rows: AsyncIterable<Row> };

const KV_KINDS = new Set(['keyValue', 'timestampedKeyValue']);
const WINDOW_KINDS = new Set(['window', 'timestampedWindow']);

export class QueryRouter {
  constructor(private readonly app: () => RunningApp | null) {}

  private running(): RunningApp {
    const r = this.app();
    if (!r) throw new HttpError(503, 'the app is still starting (restoring its stores): try again when /ready answers 200.');
    return r;
  }

  /** The stores of this app and their kinds. */
  stores(): Array<{ name: string; kind: string; global: boolean }> {
    return introspect(this.running()).stores().map((s) => ({ name: s.name, kind: s.kind, global: s.global }));
  }

  private info(store: string): StoreInfo {
    const s = introspect(this.running()).stores().find((x) => x.name === store);
    if (!s) throw new HttpError(404, `no store '${store}' in this app; stores: [${this.stores().map((x) => x.name).join(', ')}].`);
    return s;
  }

  private handles(store: string): StoreHandle[] {
    const h = introspect(this.running()).handles(store);
    if (h === null) throw new HttpError(501, `store '${store}' lives in a worker thread: interactive queries need numStreamThreads 1 for now.`);
    return h;
  }

  /** Parses a key from URL text with the store's key serde; 400 when the serde cannot take it. */
  parseKey(info: StoreInfo, raw: string): unknown {
    const serde = info.keySerde;
    if (serde === serdes.string()) return raw;
    let key: unknown;
    try {
      key = JSON.parse(raw);
    } catch {
      // a JSON-serde store keyed by strings: accept the bare text when it round-trips through the serde
      if (roundTrips(serde, raw)) return raw;
      throw new HttpError(400, `key '${raw}' for store '${info.name}' is not valid JSON: the store's keys are not plain strings, so give the key as URL-encoded JSON (e.g. 42, "text" or {"id":1}).`);
    }
    try {
      serde.serialize(key);
    } catch (e) {
      throw new HttpError(400, `key ${raw} cannot be serialized by the key serde of store '${info.name}': ${(e as Error).message}`);
    }
    return key;
  }

  /** The one entry point for every query (the scale-out work makes it forward to the owning instance). */
  async lookup(q: Query): Promise<Answer> {
    const info = this.info(q.store);
    const handles = this.handles(q.store);
    switch (q.type) {
      case 'key': {
        requireKinds(info, KV_KINDS, 'key lookups');
        const key = this.parseKey(info, q.key);
        for (const h of handles) {
          const row = getRow(h, key);
          if (row) return { kind: 'one', row };
        }
        throw new HttpError(404, `key ${q.key} not found in store '${q.store}'.`);
      }
      case 'range': {
        requireKinds(info, KV_KINDS, 'key ranges');
        const from = q.from === undefined ? null : this.parseKey(info, q.from);
        const to = q.to === undefined ? null : this.parseKey(info, q.to);
        return { kind: 'many', rows: rangeRows(handles, from, to) };
      }
      case 'windows': {
        requireKinds(info, WINDOW_KINDS, 'window fetches');
        const key = this.parseKey(info, q.key);
        const from = time(q.from, 0, 'from');
        const to = time(q.to, Number.MAX_SAFE_INTEGER, 'to');
        const size = handles[0]?.spec.windowSizeMs ?? 0;
        return { kind: 'many', rows: windowRows(handles, key, from, to, size) };
      }
      case 'sessions': {
        requireKinds(info, new Set(['session']), 'session fetches');
        const key = this.parseKey(info, q.key);
        return { kind: 'many', rows: sessionRows(handles, key) };
      }
    }
  }
}

function roundTrips(serde: StoreInfo['keySerde'], raw: string): boolean {
  try {
    return serde.deserialize(serde.serialize(raw)) === raw;
  } catch {
    return false;
  }
}

function requireKinds(info: StoreInfo, kinds: Set<string>, what: string): void {
  if (!kinds.has(info.kind)) {
    const hint = info.kind === 'session' ? '/stores/<store>/keys/<key>/sessions' : WINDOW_KINDS.has(info.kind) ? '/stores/<store>/keys/<key>/windows?from=&to=' : '/stores/<store>/keys/<key> or /stores/<store>?from=&to=';
    throw new HttpError(400, `store '${info.name}' is a ${info.kind} store: ${what} do not apply; use ${hint}.`);
  }
}

function time(raw: string | undefined, dflt: number, name: string): number {
  if (raw === undefined || raw === '') return dflt;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(n)) throw new HttpError(400, `${name}=${raw} is not a time: give epoch milliseconds or an ISO-8601 date.`);
  return n;
}

function getRow(h: StoreHandle, key: unknown): Row | null {
  if (h.spec.kind === 'timestampedKeyValue') {
    const vt = (h.internal as unknown as { get(k: unknown): ValueAndTimestamp<unknown> | undefined }).get(key);
    return vt === undefined || vt === null ? null : { key, value: vt.value, timestamp: vt.timestamp };
  }
  const v = (h.publicView() as { get(k: unknown): unknown }).get(key);
  return v === undefined || v === null ? null : { key, value: v, timestamp: null };
}

async function* rangeRows(handles: StoreHandle[], from: unknown, to: unknown): AsyncIterable<Row> {
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

async function* windowRows(handles: StoreHandle[], key: unknown, from: number, to: number, size: number): AsyncIterable<Row> {
  for (const h of handles) {
    const s = h.publicView() as ReadOnlyWindowStore<unknown, unknown>;
    for await (const tv of s.fetch(key, from, to) as AsyncIterable<TimestampedValue<unknown>>) {
      yield { key, value: tv.value, window: { start: tv.timestamp, end: tv.timestamp + size } };
    }
  }
}

async function* sessionRows(handles: StoreHandle[], key: unknown): AsyncIterable<Row> {
  for (const h of handles) {
    const s = h.publicView() as ReadOnlySessionStore<unknown, unknown>;
    for await (const e of s.fetch(key) as AsyncIterable<SessionEntry<unknown, unknown>>) {
      yield { key: e.key, value: e.value, window: { start: e.window.start, end: e.window.end } };
    }
  }
}
