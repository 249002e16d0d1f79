/**
 * Interactive queries for the HTTP layer. Every query (one key, a key range, a key's windows or sessions) goes
 * through `lookup`. Local stores live in this thread, or in stream threads that answer over their ports
 * (numStreamThreads > 1). On Kafka with applicationServer, lookup routes (Kafka's queryMetadataForKey):
 * - a key (also its windows or sessions) owned by another instance is forwarded there (forward.ts) and its answer
 *   streamed back unchanged; a key whose owner is unknown (rebalancing) is a 503;
 * - a range answers this instance's rows, then those of every other instance with tasks of the store (their NDJSON
 *   appended as it comes: no global key order); `local` (?local=true) gives this instance's rows only;
 * - a forwarded request is answered from this instance's stores, never forwarded again (no loops).
 * Keys arrive as URL path text and are parsed with the store's key serde: string keys as they are, others as JSON.
 */
import { serdes } from '../serdes/index.ts';
import type { RunningApp } from '../app/app.ts';
import { introspect, type StoreInfo } from '../app/introspect.ts';
import { readRows, type Row, type StoreRead } from '../runtime/stores/query-rows.ts';
import { HttpError } from './errors.ts';
import { errorText, forwardQuery, type RemoteAnswer } from './forward.ts';
import { queryUrl } from './query-cli.ts';
import { keyQueryMetadata, storeHosts, unassignedTasks, type RoutingView } from '../app/key-owner.ts';

export type { Row };

export type Query =
  | { type: 'key'; store: string; key: string }
  | { type: 'range'; store: string; from?: string; to?: string }
  | { type: 'windows'; store: string; key: string; from?: string; to?: string }
  | { type: 'sessions'; store: string; key: string };

/** 'many': local rows, then the NDJSON bodies of other instances (`remote`); 'remote': another instance's answer as it is. */
export type Answer =
  | { kind: 'one'; row: Row }
  | { kind: 'many'; rows: AsyncIterable<Row>; remote?: RemoteAnswer[] }
  | { kind: 'remote'; answer: RemoteAnswer };

/** How a query arrived: `local` (?local=true) asks for this instance's stores only; `forwarded` by another instance (never forwarded again). */
export interface QueryContext {
  local?: boolean;
  forwarded?: boolean;
}

export interface QueryRouterOptions {
  /** httpAuthToken: sent as the bearer token to the other instances. */
  authToken?: string;
}

const KV_KINDS = new Set(['keyValue', 'timestampedKeyValue']);
const WINDOW_KINDS = new Set(['window', 'timestampedWindow']);

export class QueryRouter {
  constructor(private readonly app: () => RunningApp | null, private readonly options: QueryRouterOptions = {}) {}

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

  /** The group's view when routing applies (Kafka, applicationServer set, assignment known), else null. */
  routing(): RoutingView | null {
    return introspect(this.running()).routing?.() ?? null;
  }

  /** The instances of the app (Kafka's metadataForAllStreamsClients): endpoint, active and standby tasks; [] without routing. */
  instances(): Array<{ endpoint: string; self: boolean; active: string[]; standby: string[] }> {
    const view = this.routing();
    return view ? view.hosts.map((h) => ({ endpoint: h.endpoint, self: h.endpoint === view.self, active: [...h.active], standby: [...h.standby] })) : [];
  }

  /** The one entry point for every query: answers from this instance's stores or forwards to the owner (see the top). */
  async lookup(q: Query, ctx: QueryContext = {}): Promise<Answer> {
    const info = this.info(q.store);
    switch (q.type) {
      case 'key': {
        requireKinds(info, KV_KINDS, 'key lookups');
        const key = this.parseKey(info, q.key);
        const remote = await this.owner(q, key, ctx);
        if (remote) return remote;
        for await (const row of this.rows({ type: 'key', store: q.store, key })) return { kind: 'one', row };
        throw new HttpError(404, `key ${q.key} not found in store '${q.store}'.`);
      }
      case 'range': {
        requireKinds(info, KV_KINDS, 'key ranges');
        const from = q.from === undefined ? null : this.parseKey(info, q.from);
        const to = q.to === undefined ? null : this.parseKey(info, q.to);
        const remote = ctx.local || ctx.forwarded ? [] : await this.others(q);
        return { kind: 'many', rows: this.rows({ type: 'range', store: q.store, from, to }), remote };
      }
      case 'windows': {
        requireKinds(info, WINDOW_KINDS, 'window fetches');
        const key = this.parseKey(info, q.key);
        const read: StoreRead = { type: 'windows', store: q.store, key, from: time(q.from, 0, 'from'), to: time(q.to, Number.MAX_SAFE_INTEGER, 'to') };
        return await this.owner(q, key, ctx) ?? { kind: 'many', rows: this.rows(read) };
      }
      case 'sessions': {
        requireKinds(info, new Set(['session']), 'session fetches');
        const key = this.parseKey(info, q.key);
        return await this.owner(q, key, ctx) ?? { kind: 'many', rows: this.rows({ type: 'sessions', store: q.store, key }) };
      }
    }
  }

  /** null: this instance answers the key; else the owner's answer. 503 while the owner is unknown. */
  private async owner(q: Extract<Query, { key: string }>, key: unknown, ctx: QueryContext): Promise<Answer | null> {
    if (ctx.local) return null;
    const i = introspect(this.running());
    const view = i.routing?.() ?? null;
    // what RunningApp.queryMetadataForKey answers, from the same view
    const meta = view && keyQueryMetadata(i.topology, view, i.stores(), q.store, key);
    if (!view || !meta || meta.activeHost === view.self) return null;
    if (meta.activeHost === null) {
      throw new HttpError(503, `the instance that owns key ${q.key} of store '${q.store}' (partition ${meta.partition}) is not known right now: the group is rebalancing, or that instance runs without applicationServer. Retry shortly.`);
    }
    if (ctx.forwarded) {
      throw new HttpError(503, `this instance (${view.self}) was asked for key ${q.key} of store '${q.store}' by another instance, but its view of the group says ${meta.activeHost} owns it: the group is rebalancing. Retry shortly.`);
    }
    return { kind: 'remote', answer: await forwardQuery(meta.activeHost, this.path(q), view.self, this.options.authToken) };
  }

  /** The other instances' answers to a range (opened before any row is sent, so an unreachable instance is a clean 502). */
  private async others(q: Extract<Query, { type: 'range' }>): Promise<RemoteAnswer[]> {
    const view = this.routing();
    if (!view) return [];
    const topology = introspect(this.running()).topology;
    const orphans = unassignedTasks(topology, view, q.store);
    if (orphans.length) {
      throw new HttpError(503, `no instance has task${orphans.length > 1 ? 's' : ''} ${orphans.join(', ')} of store '${q.store}' right now (the group is rebalancing, or an instance runs without applicationServer), so a range over every instance would miss rows: retry shortly (?local=true answers this instance's rows only).`);
    }
    const endpoints = storeHosts(topology, view, q.store).filter((e) => e !== view.self);
    const settled = await Promise.allSettled(endpoints.map((e) => forwardQuery(e, this.path(q), view.self, this.options.authToken)));
    const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const refused = ok.find((a) => a.status !== 200);
    if (failed || refused) {
      const why = failed ? (failed.reason as Error).message : `instance ${refused!.endpoint} answered ${refused!.status}: ${await errorText(refused!)}`;
      for (const a of ok) a.body.destroy();
      throw new HttpError(502, `the range over every instance of store '${q.store}' is incomplete: ${why} (?local=true answers this instance's rows only).`);
    }
    return ok;
  }

  /** The endpoint path of a query (the same as the one it arrived on). */
  private path(q: Query): string {
    const key = q.type === 'range' ? undefined : q.key;
    const u = queryUrl('http://x', q.store, key, { from: 'from' in q ? q.from : undefined, to: 'to' in q ? q.to : undefined, windows: q.type === 'windows', sessions: q.type === 'sessions' });
    return u.pathname + u.search;
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
