/**
 * One partition: `<dir>/<topic>-<partition>/` holding segments, the append path, reads by offset
 * and timestamp, transaction bookkeeping (last stable offset, aborted ranges in `.txnindex` in
 * Kafka's AbortedTxn format), whole-segment retention and crash recovery on open.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ATTR_CONTROL, ATTR_TRANSACTIONAL, CONTROL_ABORT, decodeRecords, encodeBatch, encodeControlBatch, forEachRecord, readHeader, type RecordVisitor,
  type BatchOptions, type RecordIn,
} from '../../record-format/record-batch.ts';
import { Segment, type BatchRef } from './segment.ts';
import type { ConsumerRecord, Isolation, TopicConfig } from '../../log-client/types.ts';

interface AbortedRange { pid: number; first: number; last: number }

export class PartitionLog {
  segments: Segment[] = [];
  /** Called after each append or marker (the in-process notifier for waiting readers). */
  private waiters: (() => void)[] = [];
  dirty = false;
  private ongoing = new Map<number, number>();
  private aborted: AbortedRange[] = [];
  /** Bytes truncated from a torn tail on open (0 if the tail was clean). */
  truncatedOnOpen = 0;

  private constructor(readonly dir: string, readonly topic: string, readonly partition: number, public config: TopicConfig) {}

  /** `recover`: CRC-scan the active segment and cut a torn tail (false after a clean shutdown, as Kafka). */
  static open(root: string, topic: string, partition: number, config: TopicConfig, now: number, recover = true): PartitionLog {
    const dir = path.join(root, `${topic}-${partition}`);
    const log = new PartitionLog(dir, topic, partition, config);
    fs.mkdirSync(dir, { recursive: true });
    const names = fs.readdirSync(dir);
    for (const n of names) {
      // leftovers of an interrupted compaction swap
      if (n.endsWith('.cleaned')) fs.rmSync(path.join(dir, n), { force: true });
      if (n.endsWith('.swap')) fs.renameSync(path.join(dir, n), path.join(dir, n.slice(0, -5)));
    }
    const bases = fs.readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).map((n) => Number(n.slice(0, 20))).sort((a, b) => a - b);
    for (let i = 0; i < bases.length; i++) {
      const { segment, truncatedBytes } = Segment.open(dir, bases[i], recover && i === bases.length - 1);
      log.truncatedOnOpen += truncatedBytes;
      log.segments.push(segment);
      log.loadTxnIndex(segment);
    }
    if (log.segments.length === 0) log.segments.push(Segment.create(dir, 0, now));
    return log;
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get startOffset(): number {
    return this.segments[0].baseOffset;
  }

  get endOffset(): number {
    return this.active.nextOffset;
  }

  /** The end offset visible to read_committed readers: the first offset of the oldest open transaction. */
  get lastStableOffset(): number {
    let lso = this.endOffset;
    for (const first of this.ongoing.values()) if (first < lso) lso = first;
    return lso;
  }

  get bytes(): number {
    let b = 0;
    for (const s of this.segments) b += s.size;
    return b;
  }

  private maybeRoll(incoming: number, now: number, syncOnRoll: boolean): void {
    const a = this.active;
    if (a.size > 0 && (a.size + incoming > this.config.segmentBytes || now - a.created > this.config.segmentMs)) this.roll(now, syncOnRoll);
  }

  roll(now: number, syncOnRoll: boolean): void {
    const a = this.active;
    a.flushIndexes();
    if (syncOnRoll) a.sync();
    this.segments.push(Segment.create(this.dir, a.nextOffset, now));
  }

  /** Encodes the records as one batch at the end of the log. Returns its base offset. */
  append(records: readonly RecordIn[], now: number, opts: BatchOptions, syncOnRoll: boolean): number {
    const base = this.endOffset;
    const buf = encodeBatch(records, base, now, { ...opts, logAppendTime: this.config.timestampType === 'LogAppendTime' });
    this.maybeRoll(buf.length, now, syncOnRoll);
    this.active.append(buf, [readHeader(buf, 0)]);
    if (opts.transactional && opts.producerId !== undefined && !this.ongoing.has(opts.producerId)) this.ongoing.set(opts.producerId, base);
    this.dirty = true;
    this.notify();
    return base;
  }

  /** Is a transaction of this producer open on this partition? */
  hasOngoing(pid: number): boolean {
    return this.ongoing.has(pid);
  }

  /**
   * Writes a transaction marker (control batch) for the producer. `firstHint` is a lower bound of
   * the transaction's first offset here, used when the open transaction is not known in memory
   * (recovery after a crash).
   */
  writeMarker(type: number, pid: number, epoch: number, now: number, firstHint: number, syncOnRoll: boolean): void {
    const first = this.ongoing.get(pid) ?? firstHint;
    const base = this.endOffset;
    const buf = encodeControlBatch(type, base, now, pid, epoch);
    this.maybeRoll(buf.length, now, syncOnRoll);
    if (type === CONTROL_ABORT && first < base) {
      this.aborted.push({ pid, first, last: base });
      const e = Buffer.alloc(34);
      e.writeInt16BE(0, 0);
      e.writeBigInt64BE(BigInt(pid), 2);
      e.writeBigInt64BE(BigInt(first), 10);
      e.writeBigInt64BE(BigInt(base), 18);
      e.writeBigInt64BE(BigInt(this.lastStableOffset), 26);
      fs.appendFileSync(this.active.txnIndexPath, e);
    }
    this.active.append(buf, [readHeader(buf, 0)]);
    this.ongoing.delete(pid);
    this.dirty = true;
    this.notify();
  }

  private loadTxnIndex(s: Segment): void {
    let b: Buffer;
    try { b = fs.readFileSync(s.txnIndexPath); } catch { return; }
    for (let i = 0; i + 34 <= b.length; i += 34)
      this.aborted.push({ pid: Number(b.readBigInt64BE(i + 2)), first: Number(b.readBigInt64BE(i + 10)), last: Number(b.readBigInt64BE(i + 18)) });
  }

  private isAborted(pid: number, offset: number): boolean {
    for (const r of this.aborted) if (r.pid === pid && r.first <= offset && offset <= r.last) return true;
    return false;
  }

  /** Raw batches from `fromOffset` (for compaction, dumps and the Kafka protocol later). */
  readBatches(fromOffset: number, maxBytes: number, limitOffset = Infinity): BatchRef[] {
    const out: BatchRef[] = [];
    let i = this.segmentIndexFor(fromOffset);
    let total = 0;
    for (; i < this.segments.length && total < maxBytes; i++) {
      total += this.segments[i].read(fromOffset, maxBytes - total, out, limitOffset);
      if (out.length && out[out.length - 1].h.baseOffset >= limitOffset) break;
    }
    return out;
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0, hi = this.segments.length - 1, ans = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid].baseOffset <= offset) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans;
  }

  /**
   * Reads up to maxRecords data records at offsets >= fromOffset into `out`, skipping control
   * batches and, for read_committed, aborted transactions and anything at or past the last stable
   * offset. Returns the next offset to read from.
   */
  readRecords(fromOffset: number, maxRecords: number, isolation: Isolation, out: ConsumerRecord[], maxBytes = 1 << 20): number {
    const topic = this.topic, partition = this.partition;
    return this.readEach(fromOffset, maxRecords, isolation, (offset, timestamp, key, value, headers) => {
      out.push({ topic, partition, offset, key, value, timestamp, headers: headers ?? {} });
    }, maxBytes).next;
  }

  /** readRecords with a visitor instead of record objects (changelog restore): the records visited and the next offset. */
  readEach(fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor, maxBytes = 1 << 20): { count: number; next: number } {
    const committed = isolation === 'read_committed';
    const limit = committed ? this.lastStableOffset : this.endOffset;
    let next = Math.max(fromOffset, this.startOffset);
    let count = 0;
    while (next < limit && count < maxRecords) {
      const batches = this.readBatches(next, maxBytes, limit);
      if (batches.length === 0) break;
      for (const b of batches) {
        const h = b.h;
        const lastOffset = h.baseOffset + h.lastOffsetDelta;
        if (h.baseOffset >= limit) { next = limit; break; }
        const skip = (h.attributes & ATTR_CONTROL) !== 0 ||
          (committed && (h.attributes & ATTR_TRANSACTIONAL) !== 0 && this.isAborted(h.producerId, h.baseOffset));
        if (skip) { next = lastOffset + 1; continue; }
        const from = next;
        let stopAt = -1;
        forEachRecord(b.buf, b.pos, h, (offset, timestamp, key, value, headers) => {
          if (offset < from || stopAt >= 0) return;
          if (count >= maxRecords) { stopAt = offset; return; }
          each(offset, timestamp, key, value, headers);
          count++;
        });
        next = stopAt >= 0 ? stopAt : lastOffset + 1;
        if (count >= maxRecords) break;
      }
    }
    return { count, next };
  }

  /** The earliest offset whose timestamp is >= ts, or the end offset if none. */
  offsetForTimestamp(ts: number): number {
    for (const s of this.segments) {
      if (s.maxTimestamp < ts) continue;
      let from = s.timeIndexStart(ts);
      while (from < s.nextOffset) {
        const out: BatchRef[] = [];
        s.read(from, 1 << 20, out);
        if (out.length === 0) break;
        let found = -1;
        for (const b of out) {
          if (b.h.maxTimestamp < ts || (b.h.attributes & ATTR_CONTROL)) continue;
          decodeRecords(b.buf, b.pos, b.h, (r) => { if (found < 0 && r.offset >= from && r.timestamp >= ts) found = r.offset; });
          if (found >= 0) return found;
        }
        const lb = out[out.length - 1].h;
        from = lb.baseOffset + lb.lastOffsetDelta + 1;
      }
    }
    return this.endOffset;
  }

  /** Waits (no polling) until something is appended to this partition, or the returned cancel is called. */
  onAppend(cb: () => void): () => void {
    this.waiters.push(cb);
    return () => {
      const i = this.waiters.indexOf(cb);
      if (i >= 0) this.waiters.splice(i, 1);
    };
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const w = this.waiters;
    this.waiters = [];
    for (const cb of w) cb();
  }

  /** fdatasync of the active segment (older segments were synced when rolled). */
  sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.active.sync();
  }

  /**
   * Deletes whole segments per the retention config: segments whose newest timestamp is older than
   * retentionMs, then the oldest while the partition exceeds retentionBytes. The active segment is
   * rolled first when it has expired. Returns the number of segments deleted.
   */
  applyRetention(now: number, syncOnRoll: boolean): number {
    if (!this.config.cleanupPolicy.includes('delete')) return 0;
    let deleted = 0;
    const { retentionMs, retentionBytes } = this.config;
    if (retentionMs >= 0) {
      const a = this.active;
      if (a.size > 0 && a.maxTimestamp >= 0 && a.maxTimestamp < now - retentionMs && this.ongoing.size === 0) this.roll(now, syncOnRoll);
      deleted += this.dropHead((s) => (s.maxTimestamp >= 0 ? s.maxTimestamp : s.created) < now - retentionMs);
    }
    if (retentionBytes >= 0) {
      let diff = this.bytes - retentionBytes;
      deleted += this.dropHead((s) => {
        if (diff - s.size < 0) return false;
        diff -= s.size;
        return true;
      });
    }
    return deleted;
  }

  /**
   * Kafka's deleteRecords, in whole segments: deletes every closed segment whose records all lie below
   * `beforeOffset` (the active segment and anything at or past the offset stay). Returns segments deleted.
   */
  deleteBefore(beforeOffset: number): number {
    return this.dropHead((_s, next) => next.baseOffset <= beforeOffset);
  }

  /** Deletes segments from the head (never the active one) while `more` holds; prunes aborted-transaction entries. */
  private dropHead(more: (first: Segment, next: Segment) => boolean): number {
    let deleted = 0;
    while (this.segments.length > 1 && more(this.segments[0], this.segments[1])) {
      this.segments.shift()!.delete();
      deleted++;
    }
    if (deleted) {
      const start = this.startOffset;
      this.aborted = this.aborted.filter((r) => r.last >= start);
    }
    return deleted;
  }

  /** Replaces a closed segment by a rewritten one (compaction). */
  replaceSegment(old: Segment, replacement: Segment | null): void {
    const i = this.segments.indexOf(old);
    if (i < 0) return;
    if (replacement) this.segments[i] = replacement;
    else this.segments.splice(i, 1);
  }

  close(): void {
    for (const s of this.segments) s.close();
    this.notify();
  }

  deleteAll(): void {
    for (const s of this.segments) s.delete();
    this.segments = [];
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.notify();
  }
}
