/**
 * Metered session store. Store key layout (Kafka's SessionKeySchema, also the changelog key):
 * key bytes + 8-byte big-endian session end + 8-byte start; segments by session end. Values are
 * plain V (Kafka's session stores are not timestamped; the flush listener gets the session end
 * as the timestamp, as Kafka's SessionCacheFlushListener forwards with it).
 */
import { ignoreFlush } from './timestamped-kv.ts';
import type { Windowed } from '../api/records.ts';
import type { SessionEntry, SessionStore } from '../api/stores.ts';
import { readLong, startsWith, writeLong } from './bytes.ts';
import type { ValueCodec } from './codecs.ts';
import type { BytesEntry, BytesLayer, RangeQuery } from './layer.ts';
import { MeteredBase, type TopicRef } from './metered-base.ts';
import type { StoreOptions } from './options.ts';
import type { FlushListener } from './types.ts';
import { compareKeyPart } from './window-store.ts';

const SUFFIX = 16;
/** Upper bound for times (Java uses Long.MAX_VALUE; no record time is above 2^53). */
const MAX_TIME = Number.MAX_SAFE_INTEGER;

export function sessionStoreKey(key: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(key.length + SUFFIX);
  out.set(key, 0);
  writeLong(out, key.length, end);
  writeLong(out, key.length + 8, start);
  return out;
}

/** Segment time of a session store key: the session end. */
export const sessionEndOf = (k: Uint8Array): number => readLong(k, k.length - SUFFIX);
const sessionStartOf = (k: Uint8Array): number => readLong(k, k.length - 8);

type Session<K> = { key: K; window: { start: number; end: number } };

export class MeteredSessionStore<K, V> extends MeteredBase<K> implements SessionStore<K, V> {

  constructor(
    opts: StoreOptions<K, unknown>,
    inner: BytesLayer,
    topicRef: TopicRef,
    private readonly codec: ValueCodec<V>,
  ) {
    super(opts, inner, topicRef);
  }

  /** A null value removes the session. */
  put(session: Session<K>, value: V | null): void {
    this.counters.puts++;
    const k = sessionStoreKey(this.keyBytes(session.key), session.window.start, session.window.end);
    this.inner.put(k, value === null || value === undefined ? null : this.codec.serialize(value));
  }

  remove(session: Session<K>): void {
    this.counters.deletes++;
    this.inner.put(sessionStoreKey(this.keyBytes(session.key), session.window.start, session.window.end), null);
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined {
    this.counters.gets++;
    const b = this.inner.get(sessionStoreKey(this.keyBytes(key), sessionStart, sessionEnd));
    return b === undefined ? undefined : this.codec.deserialize(b);
  }

  private query(key: K, earliestEnd: number, latestStart: number, reverse: boolean): { q: RangeQuery; keep: (k: Uint8Array) => boolean } {
    const kb = this.keyBytes(key);
    // Kafka's SessionKeySchema.lowerRangeFixedSize clamps the lower end at 0 (a negative long would sort after every
    // positive one: t - gap < 0 found nothing); the time filter below keeps the unclamped bound, as Kafka's does.
    const q = { from: sessionStoreKey(kb, 0, Math.max(0, earliestEnd)), to: sessionStoreKey(kb, latestStart, MAX_TIME), segmentFrom: earliestEnd, reverse };
    const keep = (k: Uint8Array): boolean =>
      k.length === kb.length + SUFFIX && startsWith(k, kb) && sessionEndOf(k) >= earliestEnd && sessionStartOf(k) <= latestStart;
    return { q, keep };
  }

  windowedKey(k: Uint8Array): Windowed<K> {
    return { key: this.key(k.subarray(0, k.length - SUFFIX)), window: { start: sessionStartOf(k), end: sessionEndOf(k) } };
  }

  private entry([k, v]: BytesEntry): SessionEntry<K, V> {
    const { key, window } = this.windowedKey(k);
    return { key, window, value: this.codec.deserialize(v) };
  }

  private async *find(key: K, earliestEnd: number, latestStart: number, reverse: boolean): AsyncIterable<SessionEntry<K, V>> {
    this.counters.ranges++;
    const { q, keep } = this.query(key, earliestEnd, latestStart, reverse);
    for await (const e of this.inner.range(q)) if (keep(e[0])) yield this.entry(e);
  }

  /** Sessions of `key` with end >= earliestSessionEndTime and start <= latestSessionStartTime, by end then start. */
  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): AsyncIterable<SessionEntry<K, V>> {
    return this.find(key, earliestSessionEndTime, latestSessionStartTime, false);
  }

  backwardFindSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): AsyncIterable<SessionEntry<K, V>> {
    return this.find(key, earliestSessionEndTime, latestSessionStartTime, true);
  }

  /** `findSessions` without await, for the session aggregation processor. */
  findSessionsSync(key: K, earliestSessionEndTime: number, latestSessionStartTime: number, reverse = false): Array<SessionEntry<K, V>> {
    this.counters.ranges++;
    const { q, keep } = this.query(key, earliestSessionEndTime, latestSessionStartTime, reverse);
    const entries = this.inner.rangeSync(q);
    if (entries === undefined) throw new Error(`session store '${this.name}': findSessionsSync is not available on this store stack`);
    return entries.filter(([k]) => keep(k)).map((e) => this.entry(e));
  }

  /**
   * Sessions of every key with end in [earliestEnd, latestEnd], synchronously, in time order (end, start, key
   * bytes): the order of Kafka's time-ordered session store that EmitStrategy.onWindowClose() range-fetches.
   * Like that fetch, it filters by live segment only, not by retention.
   */
  findSessionsByEndSync(earliestEnd: number, latestEnd: number): Array<SessionEntry<K, V>> {
    if (earliestEnd > latestEnd) return [];
    this.counters.ranges++;
    const entries = this.inner.rangeSync({ from: null, to: null, segmentFrom: earliestEnd, segmentTo: latestEnd, includeExpired: true });
    if (entries === undefined) throw new Error(`session store '${this.name}': findSessionsByEndSync is not available on this store stack`);
    const kept = entries.filter(([k]) => sessionEndOf(k) >= earliestEnd && sessionEndOf(k) <= latestEnd);
    kept.sort(([a], [b]) => sessionEndOf(a) - sessionEndOf(b) || sessionStartOf(a) - sessionStartOf(b) || compareKeyPart(a, b, SUFFIX));
    return kept.map((e) => this.entry(e));
  }

  /** Every session of every key, segment by segment in key order (Kafka's `fetch(null, null)`). */
  async *all(): AsyncIterable<SessionEntry<K, V>> {
    this.counters.ranges++;
    for await (const e of this.inner.range({ from: null, to: null })) yield this.entry(e);
  }

  fetch(key: K): AsyncIterable<SessionEntry<K, V>> {
    return this.find(key, 0, MAX_TIME, false);
  }

  /** Call after init. True: caching is on, the store forwards on flush; the processor must not forward itself. */
  setFlushListener(listener: FlushListener<Windowed<K>, V> | null): boolean {
    if (!this.inner.setFlushListener) return false;
    if (listener === null) return this.inner.setFlushListener(ignoreFlush);
    return this.inner.setFlushListener((k, nv, ov, ctx) => {
      const wk = this.windowedKey(k);
      const ts = wk.window.end;
      listener(wk, nv === null ? null : { value: this.codec.deserialize(nv), timestamp: ts }, ov === null ? null : { value: this.codec.deserialize(ov), timestamp: ts }, ctx);
    });
  }
}
