/**
 * The consumer: subscribe (group-managed assignment) or assign (manual), poll / for-await, commit,
 * seek by offset or timestamp, pause/resume. Positions live here; committed offsets in the log.
 */
import { randomUUID } from 'node:crypto';
import type { FetchResult, LogBackend } from './backend.ts';
import { LogStoreError } from './errors.ts';
import type { CommittedOffset, ConsumerRecord, Subscription, Isolation, OffsetAndPartition, TopicPartition } from './types.ts';

export interface ConsumerOptions {
  /** Consumer group: members share partitions, offsets are committed for it. Without one, commit() is refused. */
  groupId?: string;
  /** Where to start when the group has no committed offset: 'latest' (Kafka's default) or 'earliest'. */
  autoOffsetReset?: 'earliest' | 'latest';
  /** 'read_uncommitted' (default) or 'read_committed' (never returns pending or aborted transactional records). */
  isolation?: Isolation;
  /** Default maxRecords of poll(). Default 500. */
  maxPollRecords?: number;
}

export interface PollOptions {
  timeoutMs?: number;
  maxRecords?: number;
}

export interface Consumer extends AsyncIterable<ConsumerRecord[]> {
  subscribe(topics: string | string[] | RegExp): void;
  /** Manual assignment: these partitions only, no group membership or rebalancing. */
  assign(partitions: TopicPartition[]): void;
  unsubscribe(): void;
  assignment(): TopicPartition[];
  poll(opts?: PollOptions): Promise<ConsumerRecord[]>;
  /**
   * Commits the positions after the records returned so far (or the given offsets, each with its optional metadata
   * string) for the group.
   */
  commit(offsets?: OffsetAndPartition[]): Promise<void>;
  seek(tp: TopicPartition, to: number | { timestamp: number }): Promise<void>;
  seekToBeginning(tps?: TopicPartition[]): Promise<void>;
  seekToEnd(tps?: TopicPartition[]): Promise<void>;
  /** The offset of the next record poll() will return for the partition. */
  position(tp: TopicPartition): Promise<number>;
  committed(tp: TopicPartition): Promise<number | null>;
  /** The group's committed offsets of these partitions with their metadata strings, in order (null: none committed). */
  committedOffsets(tps: TopicPartition[]): Promise<(CommittedOffset | null)[]>;
  pause(tps: TopicPartition[]): void;
  resume(tps: TopicPartition[]): void;
  close(): Promise<void>;
}

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

export class ConsumerImpl implements Consumer {
  private readonly memberId = randomUUID();
  private readonly group: string;
  private sub: Subscription | null = null;
  private manual: TopicPartition[] | null = null;
  private assigned: TopicPartition[] = [];
  private positions = new Map<string, number>();
  private paused = new Set<string>();
  private pending: Promise<unknown> = Promise.resolve();
  private closed = false;
  private abort = new AbortController();
  private readonly isolation: Isolation;

  /** @internal created by LogStore.consumer() / producer(). */
  constructor(private readonly backend: LogBackend, private readonly opts: ConsumerOptions = {}) {
    this.prefetch = backend.fetchAhead;
    this.group = opts.groupId ?? `__anonymous-${this.memberId}`;
    this.isolation = opts.isolation ?? 'read_uncommitted';
  }

  /** A group membership failure (join or leave) from a call that returns nothing: thrown by the next poll. */
  private groupError: Error | null = null;

  private groupFailed(what: string): (e: unknown) => void {
    return (e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      this.groupError ??= new LogStoreError('GROUP', `${what} group '${this.group}' failed: ${msg}`);
    };
  }

  private enqueue<T>(f: () => Promise<T>): Promise<T> {
    const p = this.pending.then(f);
    this.pending = p.catch(() => {});
    return p;
  }

  subscribe(topics: string | string[] | RegExp): void {
    this.checkOpen();
    const sub: Subscription = topics instanceof RegExp ? { pattern: topics.source, flags: topics.flags }
      : { topics: typeof topics === 'string' ? [topics] : [...topics] };
    this.sub = sub;
    this.manual = null;
    // join now and resolve starting positions now, so records sent after subscribe() are seen with 'latest'
    void this.enqueue(async () => { await this.backend.joinGroup(this.group, this.memberId, sub); await this.refresh(); }).catch(this.groupFailed('joining'));
  }

  assign(partitions: TopicPartition[]): void {
    this.checkOpen();
    if (this.sub) void this.backend.leaveGroup(this.group, this.memberId).catch(this.groupFailed('leaving'));
    this.sub = null;
    // a set, as Kafka's assign(Collection): a partition listed twice is fetched once
    this.manual = [...new Map(partitions.map((p) => [`${p.topic}\0${p.partition}`, { topic: p.topic, partition: p.partition }])).values()];
    void this.enqueue(() => this.refresh()).catch(this.groupFailed('assigning partitions in'));
  }

  unsubscribe(): void {
    if (this.sub) void this.backend.leaveGroup(this.group, this.memberId).catch(this.groupFailed('leaving'));
    this.sub = null;
    this.manual = null;
    this.assigned = [];
    this.positions.clear();
  }

  assignment(): TopicPartition[] {
    return this.assigned.map((tp) => ({ ...tp }));
  }

  /** Updates the assignment; new partitions start at the committed offset or per autoOffsetReset. */
  private async refresh(): Promise<void> {
    const next = this.manual ?? (this.sub ? await this.backend.assignment(this.group, this.memberId) : []);
    const keys = new Set(next.map(key));
    for (const k of [...this.positions.keys()]) if (!keys.has(k)) this.positions.delete(k);
    this.assigned = next;
    const fresh = next.filter((tp) => !this.positions.has(key(tp)));
    if (fresh.length === 0) return;
    const committed = this.opts.groupId ? await this.backend.committed(this.group, fresh) : fresh.map(() => null);
    const need = fresh.filter((_, i) => committed[i] === null);
    const reset = need.length ? await this.backend.listOffsets(need, this.opts.autoOffsetReset ?? 'latest') : [];
    let j = 0;
    fresh.forEach((tp, i) => this.positions.set(key(tp), committed[i] ?? reset[j++]));
  }

  async poll(opts: PollOptions = {}): Promise<ConsumerRecord[]> {
    this.checkOpen();
    await this.enqueue(() => this.refresh());
    this.throwGroupError();
    const timeoutMs = opts.timeoutMs ?? 1000;
    const active = this.assigned.filter((tp) => !this.paused.has(key(tp)));
    if (active.length === 0) {
      // nothing to fetch (every partition paused, or none assigned: a thread with standby tasks only): wait out the
      // timeout or a close; the listener goes with the wait, so polls never pile listeners up on the signal
      await new Promise<void>((res) => {
        const done = () => {
          clearTimeout(t);
          this.abort.signal.removeEventListener('abort', done);
          res();
        };
        const t = setTimeout(done, timeoutMs);
        this.abort.signal.addEventListener('abort', done, { once: true });
      });
      return [];
    }
    const positions = active.map((tp) => ({ ...tp, offset: this.positions.get(key(tp))! }));
    const fetchOpts = { maxRecords: opts.maxRecords ?? this.opts.maxPollRecords ?? 500, isolation: this.isolation, timeoutMs };
    const ahead = this.prefetched;
    this.prefetched = null;
    const res = ahead && samePositions(ahead.positions, positions) && ahead.maxRecords === fetchOpts.maxRecords
      ? await ahead.result
      : await this.backend.fetch(positions, fetchOpts, this.abort.signal);
    // a seek or reassignment during the fetch wins over the fetched positions
    positions.forEach((p, i) => { if (this.positions.get(key(p)) === p.offset) this.positions.set(key(p), res.next[i]); });
    if (this.prefetch && res.records.length > 0 && !this.closed) {
      // While the caller processes this batch, the owner reads the next one (Kafka's fetcher does the same).
      const next = positions.map((p, i) => ({ ...p, offset: res.next[i] }));
      const result = this.backend.fetch(next, fetchOpts, this.abort.signal);
      result.catch(() => undefined); // surfaces if the next poll uses it
      this.prefetched = { positions: next, maxRecords: fetchOpts.maxRecords, result };
    }
    return res.records.filter((r) => this.positions.has(key(r)));
  }

  /** Remote logs only: the fetch of the next batch, started when a poll returned (used if nothing moved since). */
  private prefetched: { positions: OffsetAndPartition[]; maxRecords: number; result: Promise<FetchResult> } | null = null;
  private readonly prefetch: boolean;

  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerRecord[]> {
    while (!this.closed) {
      const batch = await this.poll({ timeoutMs: 1000 });
      if (batch.length) yield batch;
    }
  }

  async commit(offsets?: OffsetAndPartition[]): Promise<void> {
    this.checkOpen();
    if (!this.opts.groupId) throw new LogStoreError('INVALID_CONFIG', 'commit() needs a consumer with a groupId: log.consumer({ groupId })');
    await this.pending;
    const list = offsets ?? this.assigned.filter((tp) => this.positions.has(key(tp))).map((tp) => ({ ...tp, offset: this.positions.get(key(tp))! }));
    await this.backend.commitOffsets(this.opts.groupId, list);
  }

  seek(tp: TopicPartition, to: number | { timestamp: number }): Promise<void> {
    return this.enqueue(async () => {
      const off = typeof to === 'number' ? to : (await this.backend.listOffsets([tp], { timestamp: to.timestamp }))[0];
      if (!Number.isInteger(off) || off < 0) throw new LogStoreError('INVALID_CONFIG', `seek(${tp.topic}-${tp.partition}): offset must be an integer >= 0, got ${off}`);
      this.positions.set(key(tp), off);
    });
  }

  private seekAll(tps: TopicPartition[] | undefined, spec: 'earliest' | 'latest'): Promise<void> {
    return this.enqueue(async () => {
      const list = tps ?? this.assigned;
      const offs = await this.backend.listOffsets(list, spec);
      list.forEach((tp, i) => this.positions.set(key(tp), offs[i]));
    });
  }

  seekToBeginning(tps?: TopicPartition[]): Promise<void> {
    return this.seekAll(tps, 'earliest');
  }

  seekToEnd(tps?: TopicPartition[]): Promise<void> {
    return this.seekAll(tps, 'latest');
  }

  async position(tp: TopicPartition): Promise<number> {
    await this.enqueue(() => this.refresh());
    const p = this.positions.get(key(tp));
    if (p === undefined) throw new LogStoreError('INVALID_PARTITION', `position(): ${tp.topic}-${tp.partition} is not assigned to this consumer`);
    return p;
  }

  async committed(tp: TopicPartition): Promise<number | null> {
    if (!this.opts.groupId) return null;
    return (await this.backend.committed(this.opts.groupId, [tp]))[0];
  }

  async committedOffsets(tps: TopicPartition[]): Promise<(CommittedOffset | null)[]> {
    if (!this.opts.groupId || tps.length === 0) return tps.map(() => null);
    return this.backend.committedOffsets(this.opts.groupId, tps);
  }

  pause(tps: TopicPartition[]): void {
    for (const tp of tps) this.paused.add(key(tp));
  }

  resume(tps: TopicPartition[]): void {
    for (const tp of tps) this.paused.delete(key(tp));
  }

  private throwGroupError(): void {
    const e = this.groupError;
    if (!e) return;
    this.groupError = null;
    throw e;
  }

  private checkOpen(): void {
    if (this.closed) throw new LogStoreError('CLOSED', 'the consumer is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    if (this.sub) await this.backend.leaveGroup(this.group, this.memberId).catch((e: unknown) => this.groupFailed('leaving')(e));
    this.throwGroupError();
  }
}

function samePositions(a: OffsetAndPartition[], b: OffsetAndPartition[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].topic !== b[i].topic || a[i].partition !== b[i].partition || a[i].offset !== b[i].offset) return false;
  }
  return true;
}
