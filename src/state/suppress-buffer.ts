/**
 * The suppress buffer (Kafka's InMemoryTimeOrderedKeyValueChangeBuffer): one entry per key, ordered by
 * (buffer time, key bytes). Re-putting a buffered key keeps its first buffer time and prior value and replaces
 * the rest. Evictions go in order from the smallest buffer time. Dirty keys are written to the changelog topic
 * at flush (commit) - Kafka's format V3 (suppress-format.ts) or a tombstone - and `restore` rebuilds the buffer from
 * it, so suppressed results survive a restart (and Kafka Streams can restore the buffer from our changelog).
 * Size in bytes follows Kafka's estimate (key + 8 + value parts + record context).
 */
import type { Headers } from '../api/records.ts';
import type { Serde } from '../api/serde.ts';
import { fromBinary, toBinary } from './bytes.ts';
import { decodeBufferV3, encodeBufferV3, V3_HEADERS } from './suppress-format.ts';
import type { StateStoreInternal, StoreInitContext } from './types.ts';
import { changelogTopic } from '../api/topic-names.ts';

export interface BufferedRecord<K, V> {
  key: K;
  /** New value (null: tombstone), the latest record's old value and the value before the first buffered update. */
  value: V | null;
  oldValue: V | null;
  priorValue: V | null;
  /** Timestamp and headers of the latest buffered record (emitted with it). */
  timestamp: number;
  headers?: Headers;
}

interface Entry<K, V> {
  bin: string;
  time: number;
  rec: BufferedRecord<K, V>;
  size: number;
  /** Serialized lengths of the prior value and the latest new value (the size estimate reuses them). */
  priorLen: number;
  valueLen: number;
  /** Source topic, partition and offset of the latest buffered record (the changelog's record context). */
  source: { topic: string; partition: number; offset: number };
}

export interface SuppressBufferOptions<K, V> {
  name: string;
  key: Serde<K>;
  value: Serde<V>;
  logging?: boolean;
}

const enc = new TextEncoder();

export class SuppressBufferStore<K, V> implements StateStoreInternal {
  readonly name: string;
  readonly persistent = false;
  changelogTopic: string | null = null;
  private readonly byKey = new Map<string, Entry<K, V>>();
  /** Binary min-heap on (time, key bytes). */
  private readonly heap: Array<Entry<K, V>> = [];
  private readonly dirty = new Set<string>();
  private bytes = 0;
  private ctx: StoreInitContext | null = null;

  constructor(private readonly opts: SuppressBufferOptions<K, V>) {
    this.name = opts.name;
  }

  async init(ctx: StoreInitContext): Promise<void> {
    this.ctx = ctx;
    if (this.opts.logging !== false) this.changelogTopic = changelogTopic(ctx.applicationId, this.name);
  }

  numRecords(): number {
    return this.byKey.size;
  }

  bufferSize(): number {
    return this.bytes;
  }

  /** The smallest buffer time, or Infinity when empty. */
  minTimestamp(): number {
    return this.heap.length ? this.heap[0].time : Infinity;
  }

  put(time: number, rec: Omit<BufferedRecord<K, V>, 'priorValue'>): void {
    const topic = this.serdeTopic();
    const kb = this.opts.key.serialize(rec.key, topic);
    if (kb === null) throw new TypeError(`suppress buffer '${this.name}': the key serializes to null`);
    const bin = toBinary(kb);
    const existing = this.byKey.get(bin);
    const valueLen = this.len(rec.value, topic);
    if (existing) {
      const r = existing.rec;
      // The old value of a table change is usually the previous new value: its length is known.
      const oldLen = rec.oldValue === r.priorValue ? 0 : rec.oldValue === r.value ? existing.valueLen : this.len(rec.oldValue, topic);
      r.key = rec.key;
      r.value = rec.value;
      r.oldValue = rec.oldValue;
      r.timestamp = rec.timestamp;
      r.headers = rec.headers;
      this.setSource(existing.source);
      this.bytes -= existing.size;
      existing.valueLen = valueLen;
      existing.size = 8 + kb.length + existing.priorLen + oldLen + valueLen + this.contextSize(r.headers);
      this.bytes += existing.size;
    } else {
      const full: BufferedRecord<K, V> = { key: rec.key, value: rec.value, oldValue: rec.oldValue, priorValue: rec.oldValue, timestamp: rec.timestamp, headers: rec.headers };
      const priorLen = this.len(rec.oldValue, topic);
      const size = 8 + kb.length + priorLen + valueLen + this.contextSize(rec.headers);
      const e: Entry<K, V> = { bin, time, rec: full, size, priorLen, valueLen, source: this.setSource({ topic: '', partition: -1, offset: -1 }) };
      this.byKey.set(bin, e);
      this.push(e);
      this.bytes += size;
    }
    this.dirty.add(bin);
  }

  /**
   * Kafka's priorValueForBuffered: undefined when `key` is not buffered; otherwise the value the table had
   * before the key's first buffered update (null when it had none). The suppressed table's value getter uses it.
   */
  priorValueForBuffered(key: K): { readonly value: V | null } | undefined {
    if (this.byKey.size === 0) return undefined;
    const kb = this.opts.key.serialize(key, this.serdeTopic());
    if (kb === null) return undefined;
    const e = this.byKey.get(toBinary(kb));
    return e === undefined ? undefined : { value: e.rec.priorValue ?? null };
  }

  /** Removes and hands over entries from the smallest buffer time while `predicate` holds. */
  evictWhile(predicate: () => boolean, callback: (r: BufferedRecord<K, V>) => void): void {
    while (this.heap.length && predicate()) {
      const e = this.pop();
      this.byKey.delete(e.bin);
      this.bytes -= e.size;
      this.dirty.add(e.bin);
      callback(e.rec);
    }
  }

  async flush(): Promise<void> {
    const sink = this.ctx?.changelog;
    if (this.changelogTopic === null || !sink || this.dirty.size === 0) {
      this.dirty.clear();
      return;
    }
    const partition = this.ctx!.partition;
    for (const bin of this.dirty) {
      const e = this.byKey.get(bin);
      if (e) sink.append(this.changelogTopic, partition, fromBinary(bin), this.encode(e), e.rec.timestamp, V3_HEADERS);
      else sink.append(this.changelogTopic, partition, fromBinary(bin), null, this.ctx!.recordContext().timestamp);
    }
    this.dirty.clear();
  }

  async close(): Promise<void> {
    await this.flush();
  }

  restore(key: Uint8Array, value: Uint8Array | null): void {
    const bin = toBinary(key);
    const existing = this.byKey.get(bin);
    if (existing) {
      this.byKey.delete(bin);
      this.bytes -= existing.size;
      const i = this.heap.indexOf(existing);
      this.heap.splice(i, 1);
      this.heapify();
    }
    if (value === null) return;
    const e = this.decode(key, bin, value);
    this.byKey.set(bin, e);
    this.push(e);
    this.bytes += e.size;
  }

  /** Copies the current record's topic, partition and offset into `into` (left as is without a context). */
  private setSource(into: Entry<K, V>['source']): Entry<K, V>['source'] {
    const rc = this.ctx?.recordContext();
    if (rc) {
      into.topic = rc.topic;
      into.partition = rc.partition;
      into.offset = rc.offset;
    }
    return into;
  }

  // ---- Kafka's changelog format V3 (header v = 3): record context, prior / old / new value, buffer time ----
  private encode(e: Entry<K, V>): Uint8Array {
    const topic = this.serdeTopic();
    const ser = (v: V | null | undefined): Uint8Array | null => (v === null || v === undefined ? null : this.opts.value.serialize(v, topic));
    const r = e.rec;
    const prior = ser(r.priorValue);
    const old = r.oldValue === r.priorValue ? prior : ser(r.oldValue);
    return encodeBufferV3({ ...e.source, timestamp: r.timestamp, headers: r.headers }, prior, old, ser(r.value), e.time);
  }

  private decode(kb: Uint8Array, bin: string, b: Uint8Array): Entry<K, V> {
    const topic = this.serdeTopic();
    const d = decodeBufferV3(b, `suppress buffer '${this.name}'`);
    const de = (p: Uint8Array | null): V | null => (p === null ? null : this.opts.value.deserialize(p, topic));
    const priorValue = de(d.prior);
    const rec: BufferedRecord<K, V> = {
      key: this.opts.key.deserialize(kb, topic), value: de(d.value), oldValue: d.old === d.prior ? priorValue : de(d.old), priorValue,
      timestamp: d.context.timestamp, headers: d.context.headers,
    };
    const source = { topic: d.context.topic, partition: d.context.partition, offset: d.context.offset };
    return { bin, time: d.time, rec, source, ...this.sizeOf(kb, rec) };
  }

  private serdeTopic(): string {
    return this.changelogTopic ?? this.name;
  }

  private len(v: V | null, topic: string): number {
    return v === null || v === undefined ? 0 : (this.opts.value.serialize(v, topic)?.length ?? 0);
  }

  /** Record context part of Kafka's estimate: timestamp, offset, partition, topic name and headers. */
  private contextSize(headers: Headers | undefined): number {
    let size = 8 + 8 + 4 + (this.ctx?.recordContext().topic.length ?? 0);
    if (headers) for (const k in headers) {
      const v = headers[k];
      size += k.length + (typeof v === 'string' ? enc.encode(v).length : v.length);
    }
    return size;
  }

  /** Kafka's estimate: buffer time + key + prior/old/new value bytes + record context (timestamp, offset, topic, partition, headers). */
  private sizeOf(kb: Uint8Array, r: BufferedRecord<K, V>): { size: number; priorLen: number; valueLen: number } {
    const topic = this.serdeTopic();
    const priorLen = this.len(r.priorValue, topic);
    const valueLen = this.len(r.value, topic);
    const size = 8 + kb.length + priorLen + (r.oldValue === r.priorValue ? 0 : this.len(r.oldValue, topic)) + valueLen + this.contextSize(r.headers);
    return { size, priorLen, valueLen };
  }

  // ---- heap ----
  private less(a: Entry<K, V>, b: Entry<K, V>): boolean {
    return a.time < b.time || (a.time === b.time && a.bin < b.bin);
  }

  private push(e: Entry<K, V>): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Entry<K, V> {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }

  private heapify(): void {
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }
}
