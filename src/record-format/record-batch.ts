/**
 * Kafka RecordBatch v2 (magic 2) encoding and decoding.
 *
 * Batch header (61 bytes, big-endian): baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 |
 * magic i8 (=2) | crc u32 (CRC32C over attributes..end) | attributes i16 | lastOffsetDelta i32 |
 * baseTimestamp i64 | maxTimestamp i64 | producerId i64 | producerEpoch i16 | baseSequence i32 |
 * recordCount i32, then the records: length varint | attributes i8 | timestampDelta varlong |
 * offsetDelta varint | keyLen varint | key | valueLen varint | value | headerCount varint |
 * (keyLen varint | key | valueLen varint | value)*. Varints are zigzag encoded.
 */
import { crc32c } from './crc32c.ts';

export const HEADER_SIZE = 61;
export const LOG_OVERHEAD = 12; // baseOffset + batchLength
export const MAGIC = 2;
export const ATTR_TIMESTAMP_LOG_APPEND = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

import type { Bytes, HeadersIn } from '../log-client/types.ts';
export type { Bytes, HeadersIn };

/** A record to append (key/value strings are UTF-8 encoded). */
export interface RecordIn {
  /** Only for rewriting (compaction): the offset delta to keep; default = index in the batch. */
  offsetDelta?: number;
  key?: Bytes;
  value?: Bytes;
  timestamp?: number;
  headers?: HeadersIn;
}

/** A decoded record; key, value and header values are views into the read buffer. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: { [name: string]: Uint8Array };
}

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  /** Total size on disk: batchLength + 12. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface BatchOptions {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  logAppendTime?: boolean;
  /** Only for rewriting (compaction): keep the original lastOffsetDelta. */
  lastOffsetDelta?: number;
}

// ---------- varints (zigzag), safe for |v| < 2^53 ----------

function zz(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

export function varintSize(v: number): number {
  let u = zz(v);
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  let u = zz(v);
  while (u >= 128) {
    buf[pos++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[pos++] = u;
  return pos;
}

let vpos = 0; // out-parameter of readVarint (avoids allocating a tuple per call)
function readVarint(buf: Uint8Array, pos: number): number {
  let u = 0;
  let mul = 1;
  let b: number;
  do {
    if (pos >= buf.length) throw new RangeError('varint runs past the end of the batch');
    b = buf[pos++];
    u += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80);
  vpos = pos;
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

// ---------- encoding ----------

function byteLen(b: Bytes): number {
  if (b === null || b === undefined) return -1;
  return typeof b === 'string' ? Buffer.byteLength(b) : b.length;
}

function writeBytes(buf: Buffer, pos: number, b: Bytes, len: number): number {
  pos = writeVarint(buf, pos, len);
  if (len <= 0) return pos;
  if (typeof b === 'string') buf.write(b, pos, len, 'utf8');
  else buf.set(b as Uint8Array, pos);
  return pos + len;
}

function writeI64(buf: Buffer, pos: number, v: number): void {
  buf.writeBigInt64BE(BigInt(v), pos);
}

/**
 * Encodes records into one RecordBatch v2 buffer with the given base offset. Timestamps default
 * to `now`. Returns the buffer; lastOffsetDelta = records.length - 1.
 */
export function encodeBatch(records: readonly RecordIn[], baseOffset: number, now: number, opts: BatchOptions = {}): Buffer {
  const n = records.length;
  if (n === 0) throw new RangeError('encodeBatch: a batch needs at least one record');
  let baseTs = Infinity;
  let maxTs = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = records[i].timestamp ?? now;
    if (t < baseTs) baseTs = t;
    if (t > maxTs) maxTs = t;
  }
  if (opts.logAppendTime) baseTs = maxTs = now;
  // sizes
  const lens = new Int32Array(n * 3); // body length, key length, value length
  let total = HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const kl = byteLen(r.key);
    const vl = byteLen(r.value);
    const tsDelta = opts.logAppendTime ? 0 : (r.timestamp ?? now) - baseTs;
    let body = 1 + varintSize(tsDelta) + varintSize(r.offsetDelta ?? i) + varintSize(kl) + Math.max(kl, 0) + varintSize(vl) + Math.max(vl, 0);
    const h = r.headers;
    let hc = 0;
    if (h) {
      for (const name in h) {
        const hk = Buffer.byteLength(name);
        const hv = byteLen(h[name]);
        body += varintSize(hk) + hk + varintSize(hv) + Math.max(hv, 0);
        hc++;
      }
    }
    body += varintSize(hc);
    lens[i * 3] = body;
    lens[i * 3 + 1] = kl;
    lens[i * 3 + 2] = vl;
    total += varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  writeI64(buf, 0, baseOffset);
  buf.writeInt32BE(total - LOG_OVERHEAD, 8);
  buf.writeInt32BE(0, 12); // partitionLeaderEpoch
  buf[16] = MAGIC;
  let attrs = 0;
  if (opts.logAppendTime) attrs |= ATTR_TIMESTAMP_LOG_APPEND;
  if (opts.transactional) attrs |= ATTR_TRANSACTIONAL;
  if (opts.control) attrs |= ATTR_CONTROL;
  buf.writeInt16BE(attrs, 21);
  buf.writeInt32BE(opts.lastOffsetDelta ?? n - 1, 23);
  writeI64(buf, 27, baseTs);
  writeI64(buf, 35, maxTs);
  writeI64(buf, 43, opts.producerId ?? -1);
  buf.writeInt16BE(opts.producerEpoch ?? -1, 51);
  buf.writeInt32BE(opts.baseSequence ?? -1, 53);
  buf.writeInt32BE(n, 57);
  let pos = HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    pos = writeVarint(buf, pos, lens[i * 3]);
    buf[pos++] = 0; // record attributes
    pos = writeVarint(buf, pos, opts.logAppendTime ? 0 : (r.timestamp ?? now) - baseTs);
    pos = writeVarint(buf, pos, r.offsetDelta ?? i);
    pos = writeBytes(buf, pos, r.key, lens[i * 3 + 1]);
    pos = writeBytes(buf, pos, r.value, lens[i * 3 + 2]);
    const h = r.headers;
    if (h) {
      const names = Object.keys(h);
      pos = writeVarint(buf, pos, names.length);
      for (const name of names) {
        pos = writeBytes(buf, pos, name, Buffer.byteLength(name));
        const hv = h[name];
        pos = writeBytes(buf, pos, hv, byteLen(hv));
      }
    } else {
      buf[pos++] = 0;
    }
  }
  buf.writeUInt32BE(crc32c(buf, 21, total), 17);
  return buf;
}

/** Control record types of Kafka's transaction markers. */
export const CONTROL_ABORT = 0;
export const CONTROL_COMMIT = 1;

/** A transaction marker: a control batch with one record, key = (version 0, type), value = (version 0, coordinatorEpoch). */
export function encodeControlBatch(type: number, baseOffset: number, now: number, producerId: number, producerEpoch: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(0, 2);
  return encodeBatch([{ key, value, timestamp: now }], baseOffset, now, {
    producerId, producerEpoch, baseSequence: -1, transactional: true, control: true,
  });
}

// ---------- decoding ----------

function readI64(buf: Buffer, pos: number): number {
  return Number(buf.readBigInt64BE(pos));
}

export function readHeader(buf: Buffer, pos: number): BatchHeader {
  const batchLength = buf.readInt32BE(pos + 8);
  return {
    baseOffset: readI64(buf, pos),
    batchLength,
    size: batchLength + LOG_OVERHEAD,
    magic: buf[pos + 16],
    crc: buf.readUInt32BE(pos + 17),
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp: readI64(buf, pos + 27),
    maxTimestamp: readI64(buf, pos + 35),
    producerId: readI64(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordCount: buf.readInt32BE(pos + 57),
  };
}

/** Why a batch at buf[pos..] is not valid, or null if it is (needs the whole batch in buf). */
export function checkBatch(buf: Buffer, pos: number, end = buf.length): string | null {
  if (end - pos < HEADER_SIZE) return `only ${end - pos} bytes left, a batch header needs ${HEADER_SIZE}`;
  const batchLength = buf.readInt32BE(pos + 8);
  if (batchLength < HEADER_SIZE - LOG_OVERHEAD) return `batchLength ${batchLength} is smaller than a batch header`;
  if (buf[pos + 16] !== MAGIC) return `magic byte is ${buf[pos + 16]}, expected ${MAGIC}`;
  const size = batchLength + LOG_OVERHEAD;
  if (end - pos < size) return `batch of ${size} bytes is cut short at ${end - pos} bytes`;
  const stored = buf.readUInt32BE(pos + 17);
  const actual = crc32c(buf, pos + 21, pos + size);
  if (stored !== actual) return `CRC32C mismatch: stored ${stored}, computed ${actual}`;
  return null;
}

/** Decodes the records of the (already checked) batch at buf[pos..] and calls `each` for each one. */
export function decodeRecords(buf: Buffer, pos: number, h: BatchHeader, each: (r: DecodedRecord) => void): void {
  forEachRecord(buf, pos, h, (offset, timestamp, key, value, headers) => each({ offset, timestamp, key, value, headers: headers ?? {} }));
}

/** A record's parts as forEachRecord passes them; headers null when the record has none. */
import type { RecordVisitor } from '../log-client/backend.ts';
export type { RecordVisitor };

/** decodeRecords without an object per record (the consumer's and the restore's hot path). */
export function forEachRecord(buf: Buffer, pos: number, h: BatchHeader, each: RecordVisitor): void {
  let p = pos + HEADER_SIZE;
  const end = pos + h.size;
  const logAppend = (h.attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0;
  for (let i = 0; i < h.recordCount; i++) {
    const len = readVarint(buf, p);
    p = vpos;
    const recEnd = p + len;
    if (recEnd > end) throw new RangeError(`record ${i} of the batch at offset ${h.baseOffset} runs past the batch end`);
    p++; // attributes
    const tsDelta = readVarint(buf, p);
    p = vpos;
    const offDelta = readVarint(buf, p);
    p = vpos;
    const kl = readVarint(buf, p);
    p = vpos;
    const key = kl < 0 ? null : buf.subarray(p, p + kl);
    if (kl > 0) p += kl;
    const vl = readVarint(buf, p);
    p = vpos;
    const value = vl < 0 ? null : buf.subarray(p, p + vl);
    if (vl > 0) p += vl;
    const hc = readVarint(buf, p);
    p = vpos;
    const headers: { [name: string]: Uint8Array } | null = hc > 0 ? {} : null;
    for (let j = 0; j < hc; j++) {
      const hkl = readVarint(buf, p);
      p = vpos;
      const name = buf.toString('utf8', p, p + hkl);
      p += hkl;
      const hvl = readVarint(buf, p);
      p = vpos;
      headers![name] = hvl < 0 ? new Uint8Array(0) : buf.subarray(p, p + hvl);
      if (hvl > 0) p += hvl;
    }
    p = recEnd;
    each(h.baseOffset + offDelta, logAppend ? h.maxTimestamp : h.baseTimestamp + tsDelta, key, value, headers);
  }
}
