/**
 * Interactive queries for the HTTP layer. Every query (one key, a key range, a key's windows or sessions) goes
 * through `lookup`: the one place the scale-out work makes forward to the instance that owns the key (found
 * through applicationServer metadata); today every store is in this process: in this thread, or in a stream thread that
 * answers over its port (numStreamThreads > 1). Keys arrive as URL path text and are parsed
 * with the store's key serde: string keys as they are, other keys as JSON.
 */
import { serdes } from '../serdes/index.ts';
import type { RunningApp } from '../app/app.ts';
import { introspect, type StoreInfo } from '../app/introspect.ts';
import { readRows, type Row, type StoreRead } from '../runtime/stores/query-rows.ts';
import { HttpError } from './errors.ts';

export type { Row };

export type Query =
  | { type: 'key'; store: string; key: string }
  | { type: 'range'; store: string; from?: string; to?: string }
  | { type: 'windows'; store: string; key: string; from?: string; to?: string }
  | { type: 'sessions'; store: string; key: string };

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

  /** The rows of a read: from this thread's stores, or asked of the stream threads that hold them. */
  private rows(q: StoreRead): AsyncIterable<Row> {
    const i = introspect(this.running());
    const h = i.handles(q.store);
    if (h !== null) return readRows(h, q);
    if (!i.readThreads) throw new HttpError(501, `store '${q.store}' lives in a worker thread that cannot be queried.`);
    return i.readThreads(q);
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
    switch (q.type) {
      case 'key': {
        requireKinds(info, KV_KINDS, 'key lookups');
        const key = this.parseKey(info, q.key);
        for await (const row of this.rows({ type: 'key', store: q.store, key })) return { kind: 'one', row };
        throw new HttpError(404, `key ${q.key} not found in store '${q.store}'.`);
      }
      case 'range': {
        requireKinds(info, KV_KINDS, 'key ranges');
        const from = q.from === undefined ? null : this.parseKey(info, q.from);
        const to = q.to === undefined ? null : this.parseKey(info, q.to);
        return { kind: 'many', rows: this.rows({ type: 'range', store: q.store, from, to }) };
      }
      case 'windows': {
        requireKinds(info, WINDOW_KINDS, 'window fetches');
        const key = this.parseKey(info, q.key);
        return { kind: 'many', rows: this.rows({ type: 'windows', store: q.store, key, from: time(q.from, 0, 'from'), to: time(q.to, Number.MAX_SAFE_INTEGER, 'to') }) };
      }
      case 'sessions': {
        requireKinds(info, new Set(['session']), 'session fetches');
        const key = this.parseKey(info, q.key);
        return { kind: 'many', rows: this.rows({ type: 'sessions', store: q.store, key }) };
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
