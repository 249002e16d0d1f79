/**
 * One log segment: `<20-digit base offset>.log` (RecordBatch v2 batches back to back) with Kafka's
 * `.index` (relative offset i32, position i32 per entry: the last offset of a batch -> the batch's
 * start position, one entry per ~4 KiB of log) and `.timeindex` (timestamp i64, relative offset i32:
 * the running max timestamp -> the last offset of the batch that raised it).
 * Index writes are buffered: indexes are rebuilt from the log when missing or stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CorruptLogError } from '../../log-client/errors.ts';
import { HEADER_SIZE, LOG_OVERHEAD, checkBatch, readHeader, type BatchHeader } from '../../record-format/record-batch.ts';

export const INDEX_INTERVAL_BYTES = 4096;
const CHUNK = 1 << 20;

export interface BatchRef {
  buf: Buffer;
  pos: number;
  h: BatchHeader;
}

export function segmentName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export class Segment {
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  readonly txnIndexPath: string;
  fd: number;
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  created: number;
  private idxOff: number[] = [];
  private idxPos: number[] = [];
  private tiTs: number[] = [];
  private tiOff: number[] = [];
  private bytesSinceIndex = 0;
  /**
   * Bytes [0, verifiedEnd) are known good in this process: CRC-checked by the recovery scan or by an earlier read,
   * or appended by this process (which computed their CRCs). Reads check the CRC of batches past it only, so data is
   * verified once per open, not once per read (the consumer's check was ~9% of a stateless app's profile).
   */
  private verifiedEnd = 0;
  private pendingIdx: Buffer[] = [];
  private pendingTi: Buffer[] = [];

  private constructor(readonly dir: string, readonly baseOffset: number, fd: number, created: number) {
    const base = path.join(dir, segmentName(baseOffset));
    this.logPath = base + '.log';
    this.indexPath = base + '.index';
    this.timeIndexPath = base + '.timeindex';
    this.txnIndexPath = base + '.txnindex';
    this.fd = fd;
    this.nextOffset = baseOffset;
    this.created = created;
  }

  static create(dir: string, baseOffset: number, now: number): Segment {
    const p = path.join(dir, segmentName(baseOffset) + '.log');
    const fd = fs.openSync(p, 'w+');
    const s = new Segment(dir, baseOffset, fd, now);
    fs.writeFileSync(s.indexPath, Buffer.alloc(0));
    fs.writeFileSync(s.timeIndexPath, Buffer.alloc(0));
    return s;
  }

  /**
   * Opens an existing segment. With `recover`, every batch is CRC-checked, a torn or corrupt tail
   * (an invalid batch with no valid batch after it) is truncated away and the indexes rebuilt; a
   * corrupt batch followed by valid ones throws CorruptLogError. Without, the indexes are loaded
   * and rebuilt only if missing or stale.
   */
  static open(dir: string, baseOffset: number, recover: boolean): { segment: Segment; truncatedBytes: number } {
    const p = path.join(dir, segmentName(baseOffset) + '.log');
    const fd = fs.openSync(p, 'r+');
    const st = fs.fstatSync(fd);
    const s = new Segment(dir, baseOffset, fd, st.birthtimeMs || st.mtimeMs);
    s.size = st.size;
    let truncatedBytes = 0;
    if (recover || !s.loadIndexes()) truncatedBytes = s.rebuild(recover);
    return { segment: s, truncatedBytes };
  }

  /** Loads the index files; false if missing or inconsistent with the log (then rebuild). */
  private loadIndexes(): boolean {
    let idx: Buffer, ti: Buffer;
    try {
      idx = fs.readFileSync(this.indexPath);
      ti = fs.readFileSync(this.timeIndexPath);
    } catch {
      return false;
    }
    if (idx.length % 8 !== 0 || ti.length % 12 !== 0) return false;
    if (this.size > 0 && idx.length === 0) return false;
    let prevOff = -1, prevPos = -1;
    for (let i = 0; i < idx.length; i += 8) {
      const o = idx.readInt32BE(i), p = idx.readInt32BE(i + 4);
      if (o <= prevOff || p <= prevPos || p >= this.size) return false;
      this.idxOff.push(o);
      this.idxPos.push(p);
      prevOff = o;
      prevPos = p;
    }
    for (let i = 0; i < ti.length; i += 12) {
      this.tiTs.push(Number(ti.readBigInt64BE(i)));
      this.tiOff.push(ti.readInt32BE(i + 8));
    }
    // the last batch gives nextOffset and maxTimestamp; read it from the last indexed position
    if (this.size > 0) {
      let pos = this.idxPos[this.idxPos.length - 1];
      const head = Buffer.allocUnsafe(HEADER_SIZE);
      let last: BatchHeader | undefined;
      while (pos < this.size) {
        if (fs.readSync(this.fd, head, 0, HEADER_SIZE, pos) < HEADER_SIZE) return false;
        const h = readHeader(head, 0);
        if (h.size < HEADER_SIZE || pos + h.size > this.size) return false;
        last = h;
        pos += h.size;
      }
      if (!last) return false;
      this.nextOffset = last.baseOffset + last.lastOffsetDelta + 1;
      this.maxTimestamp = this.tiTs.length ? this.tiTs[this.tiTs.length - 1] : last.maxTimestamp;
      this.maxTimestamp = Math.max(this.maxTimestamp, last.maxTimestamp);
    }
    return true;
  }

  /** Scans the whole log, rebuilding the indexes; returns the bytes truncated from a torn tail. */
  private rebuild(checkCrc: boolean): number {
    this.idxOff = []; this.idxPos = []; this.tiTs = []; this.tiOff = [];
    this.bytesSinceIndex = 0;
    this.maxTimestamp = -1;
    this.nextOffset = this.baseOffset;
    let validEnd = 0;
    let bad: { pos: number; why: string } | undefined;
    this.scan(0, this.size, checkCrc, (h, pos) => {
      this.indexBatch(h, pos, false);
      validEnd = pos + h.size;
      return true;
    }, (pos, why) => { bad = { pos, why }; });
    if (bad) {
      // torn tail or corruption in the middle? Look for any valid batch after the bad one.
      if (this.validBatchAfter(bad.pos)) throw new CorruptLogError(this.logPath, bad.pos, bad.why);
    }
    if (checkCrc) this.verifiedEnd = validEnd;
    const truncated = this.size - validEnd;
    if (truncated > 0) {
      fs.ftruncateSync(this.fd, validEnd);
      this.size = validEnd;
    }
    this.writeIndexFiles();
    return truncated;
  }

  private validBatchAfter(badPos: number): boolean {
    // a corrupt batch whose length field still looks sane: is there a valid batch right after it?
    const head = Buffer.allocUnsafe(HEADER_SIZE);
    if (fs.readSync(this.fd, head, 0, HEADER_SIZE, badPos) < HEADER_SIZE) return false;
    const len = head.readInt32BE(8);
    const next = badPos + len + LOG_OVERHEAD;
    if (len < HEADER_SIZE - LOG_OVERHEAD || next + HEADER_SIZE > this.size) return false;
    if (fs.readSync(this.fd, head, 0, HEADER_SIZE, next) < HEADER_SIZE) return false;
    const nlen = head.readInt32BE(8);
    if (nlen < HEADER_SIZE - LOG_OVERHEAD || next + nlen + LOG_OVERHEAD > this.size) return false;
    const b = Buffer.allocUnsafe(nlen + LOG_OVERHEAD);
    fs.readSync(this.fd, b, 0, b.length, next);
    return checkBatch(b, 0) === null;
  }

  /**
   * Walks batches in [from, end): calls `each` (return false to stop); on an invalid batch calls
   * `onBad` and stops. Reads in 1 MiB chunks.
   */
  scan(from: number, end: number, checkCrc: boolean, each: (h: BatchHeader, pos: number, buf: Buffer, bufPos: number) => boolean,
    onBad: (pos: number, why: string) => void): void {
    let chunk = Buffer.allocUnsafe(CHUNK);
    let chunkStart = from, chunkLen = 0;
    let pos = from;
    while (pos < end) {
      let rel = pos - chunkStart;
      if (rel + HEADER_SIZE > chunkLen) {
        chunkStart = pos; rel = 0;
        chunkLen = fs.readSync(this.fd, chunk, 0, Math.min(chunk.length, end - pos), pos);
        if (chunkLen < HEADER_SIZE) { onBad(pos, `only ${end - pos} bytes left, a batch header needs ${HEADER_SIZE}`); return; }
      }
      const len = chunk.readInt32BE(rel + 8);
      const size = len + LOG_OVERHEAD;
      if (len < HEADER_SIZE - LOG_OVERHEAD || chunk[rel + 16] !== 2) {
        onBad(pos, checkBatch(chunk, rel, chunkLen) ?? 'invalid batch header');
        return;
      }
      if (pos + size > end) { onBad(pos, `batch of ${size} bytes runs past the end of the file (${end - pos} bytes left)`); return; }
      if (rel + size > chunkLen) {
        if (size > chunk.length) chunk = Buffer.allocUnsafe(size);
        chunkStart = pos; rel = 0;
        chunkLen = fs.readSync(this.fd, chunk, 0, Math.min(chunk.length, end - pos), pos);
      }
      if (checkCrc) {
        const why = checkBatch(chunk, rel, rel + size);
        if (why) { onBad(pos, why); return; }
      }
      if (!each(readHeader(chunk, rel), pos, chunk, rel)) return;
      pos += size;
    }
  }

  private indexBatch(h: BatchHeader, pos: number, persist: boolean): void {
    const last = h.baseOffset + h.lastOffsetDelta;
    this.nextOffset = last + 1;
    if (this.bytesSinceIndex === 0 || this.bytesSinceIndex + h.size > INDEX_INTERVAL_BYTES || this.idxPos.length === 0) {
      const rel = last - this.baseOffset;
      if (this.idxOff.length === 0 || rel > this.idxOff[this.idxOff.length - 1]) {
        this.idxOff.push(rel);
        this.idxPos.push(pos);
        if (persist) {
          const e = Buffer.allocUnsafe(8);
          e.writeInt32BE(rel, 0);
          e.writeInt32BE(pos, 4);
          this.pendingIdx.push(e);
        }
      }
      this.bytesSinceIndex = 0;
    }
    this.bytesSinceIndex += h.size;
    if (h.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = h.maxTimestamp;
      const rel = last - this.baseOffset;
      this.tiTs.push(h.maxTimestamp);
      this.tiOff.push(rel);
      if (persist) {
        const e = Buffer.allocUnsafe(12);
        e.writeBigInt64BE(BigInt(h.maxTimestamp), 0);
        e.writeInt32BE(rel, 8);
        this.pendingTi.push(e);
      }
    }
  }

  private writeIndexFiles(): void {
    const idx = Buffer.allocUnsafe(this.idxOff.length * 8);
    for (let i = 0; i < this.idxOff.length; i++) { idx.writeInt32BE(this.idxOff[i], i * 8); idx.writeInt32BE(this.idxPos[i], i * 8 + 4); }
    const ti = Buffer.allocUnsafe(this.tiTs.length * 12);
    for (let i = 0; i < this.tiTs.length; i++) { ti.writeBigInt64BE(BigInt(this.tiTs[i]), i * 12); ti.writeInt32BE(this.tiOff[i], i * 12 + 8); }
    fs.writeFileSync(this.indexPath, idx);
    fs.writeFileSync(this.timeIndexPath, ti);
    this.pendingIdx = [];
    this.pendingTi = [];
  }

  /** Flushes buffered index entries to the index files (indexes are never fsynced: they are rebuilt). */
  flushIndexes(): void {
    if (this.pendingIdx.length) { fs.appendFileSync(this.indexPath, Buffer.concat(this.pendingIdx)); this.pendingIdx = []; }
    if (this.pendingTi.length) { fs.appendFileSync(this.timeIndexPath, Buffer.concat(this.pendingTi)); this.pendingTi = []; }
  }

  /** Appends encoded batches (one buffer, possibly several batches) at the end of the segment. */
  append(buf: Buffer, headers: readonly BatchHeader[]): void {
    let pos = this.size;
    if (this.verifiedEnd === this.size) this.verifiedEnd += buf.length;
    let written = 0;
    while (written < buf.length) written += fs.writeSync(this.fd, buf, written, buf.length - written, this.size + written);
    for (const h of headers) {
      this.indexBatch(h, pos, true);
      pos += h.size;
    }
    this.size += buf.length;
    if (this.pendingIdx.length >= 512) this.flushIndexes();
  }

  /** Start position of a batch at or before the one holding `offset`. */
  private lookup(offset: number): number {
    const rel = offset - this.baseOffset;
    let lo = 0, hi = this.idxOff.length - 1, ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.idxOff[mid] <= rel) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans < 0 ? 0 : this.idxPos[ans];
  }

  /**
   * Appends to `out` the batches holding offsets >= fromOffset (and below limitOffset), about
   * maxBytes of them (at least one), CRC-checked unless verified before (verifiedEnd). Returns the bytes added.
   */
  read(fromOffset: number, maxBytes: number, out: BatchRef[], limitOffset = Infinity): number {
    if (fromOffset >= this.nextOffset || this.size === 0) return 0;
    let filePos = this.lookup(fromOffset);
    let total = 0;
    while (filePos < this.size && (total === 0 || total < maxBytes)) {
      const want = Math.min(this.size - filePos, Math.max(maxBytes - total, 65536));
      let buf = Buffer.allocUnsafe(want);
      let len = fs.readSync(this.fd, buf, 0, want, filePos);
      let pos = 0;
      if (len >= HEADER_SIZE) {
        const first = buf.readInt32BE(8) + LOG_OVERHEAD;
        if (first > len && first >= HEADER_SIZE && filePos + first <= this.size) {
          buf = Buffer.allocUnsafe(first); // one batch larger than the read: read it whole
          len = fs.readSync(this.fd, buf, 0, first, filePos);
        }
      }
      while (pos + HEADER_SIZE <= len) {
        const size = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
        if (size < HEADER_SIZE || filePos + pos + size > this.size)
          throw new CorruptLogError(this.logPath, filePos + pos, `batchLength ${size - LOG_OVERHEAD} is invalid (segment size ${this.size})`);
        if (pos + size > len) break;
        const base = Number(buf.readBigInt64BE(pos));
        if (base >= limitOffset) return total;
        const last = base + buf.readInt32BE(pos + 23);
        if (last >= fromOffset) {
          const at = filePos + pos;
          if (at + size > this.verifiedEnd) {
            const why = checkBatch(buf, pos, pos + size);
            if (why) throw new CorruptLogError(this.logPath, at, why);
            if (at === this.verifiedEnd) this.verifiedEnd += size;
          }
          out.push({ buf, pos, h: readHeader(buf, pos) });
          total += size;
        }
        pos += size;
        if (total >= maxBytes) break;
      }
      if (pos === 0) throw new CorruptLogError(this.logPath, filePos, 'could not read a whole batch');
      filePos += pos;
    }
    return total;
  }

  /** The first offset >= `after` of a batch whose max timestamp may reach `ts`, using the time index. */
  timeIndexStart(ts: number): number {
    let lo = 0, hi = this.tiTs.length - 1, ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.tiTs[mid] < ts) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans < 0 ? this.baseOffset : this.baseOffset + this.tiOff[ans] + 1;
  }

  sync(): void {
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    this.flushIndexes();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Closes and deletes the segment's files. */
  delete(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    for (const p of [this.logPath, this.indexPath, this.timeIndexPath, this.txnIndexPath]) fs.rmSync(p, { force: true });
  }
}
