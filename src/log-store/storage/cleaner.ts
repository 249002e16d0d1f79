/**
 * Log compaction (cleanupPolicy 'compact'): keeps the latest record per key in the segments before
 * the active one, drops tombstones (null values) whose timestamp is older than deleteRetentionMs,
 * never changes offsets (records keep their offset deltas, batches their base offsets and
 * producer/transaction fields). Each segment is rewritten to `<base>.log.cleaned` with async I/O,
 * then swapped in; appends to the active segment go on meanwhile.
 */
import fs from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { PartitionLog } from './partition-log.ts';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, decodeRecords, encodeBatch, type RecordIn } from '../../record-format/record-batch.ts';
import { Segment, type BatchRef } from './segment.ts';

function keyString(k: Uint8Array | null): string | null {
  return k ? Buffer.from(k.buffer, k.byteOffset, k.length).toString('latin1') : null;
}

function batchesOf(s: Segment): BatchRef[] {
  const out: BatchRef[] = [];
  let from = s.baseOffset;
  while (from < s.nextOffset) {
    const n = out.length;
    s.read(from, 4 << 20, out);
    if (out.length === n) break;
    const h = out[out.length - 1].h;
    from = h.baseOffset + h.lastOffsetDelta + 1;
  }
  return out;
}

export async function compactPartition(log: PartitionLog, now: number, stopped: () => boolean): Promise<void> {
  const dirty = log.segments.slice(0, -1);
  if (dirty.length === 0) return;
  // 1. the latest offset of each key in the cleanable range
  const latest = new Map<string, number>();
  for (const s of dirty) {
    for (const b of batchesOf(s)) {
      if (b.h.attributes & ATTR_CONTROL) continue;
      decodeRecords(b.buf, b.pos, b.h, (r) => { const k = keyString(r.key); if (k !== null) latest.set(k, r.offset); });
    }
    await yieldToLoop();
    if (stopped()) return;
  }
  const tombstoneHorizon = now - log.config.deleteRetentionMs;
  // 2. rewrite each segment that has something to drop
  for (const s of dirty) {
    if (stopped() || !log.segments.includes(s)) return;
    const parts: Buffer[] = [];
    let dropped = 0;
    for (const b of batchesOf(s)) {
      const h = b.h;
      if (h.attributes & ATTR_CONTROL) { parts.push(Buffer.from(b.buf.subarray(b.pos, b.pos + h.size))); continue; }
      const keep: RecordIn[] = [];
      decodeRecords(b.buf, b.pos, h, (r) => {
        const k = keyString(r.key);
        const isLatest = k === null || latest.get(k) === r.offset;
        if (!isLatest || (r.value === null && r.timestamp < tombstoneHorizon)) { dropped++; return; }
        keep.push({ offsetDelta: r.offset - h.baseOffset, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers });
      });
      if (keep.length === h.recordCount) parts.push(Buffer.from(b.buf.subarray(b.pos, b.pos + h.size)));
      else if (keep.length > 0)
        parts.push(encodeBatch(keep, h.baseOffset, now, {
          producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence,
          transactional: (h.attributes & ATTR_TRANSACTIONAL) !== 0, lastOffsetDelta: h.lastOffsetDelta,
        }));
    }
    if (dropped === 0) continue;
    const cleaned = s.logPath + '.cleaned';
    await fs.promises.writeFile(cleaned, Buffer.concat(parts));
    if (stopped() || !log.segments.includes(s)) { await fs.promises.rm(cleaned, { force: true }); return; }
    // swap: synchronous from here, so no read or append interleaves
    const isFirst = log.segments[0] === s;
    fs.closeSync(s.fd);
    s.fd = -1;
    fs.renameSync(cleaned, s.logPath);
    fs.rmSync(s.indexPath, { force: true });
    fs.rmSync(s.timeIndexPath, { force: true });
    const { segment } = Segment.open(s.dir, s.baseOffset, false);
    if (segment.size === 0 && !isFirst) {
      segment.delete();
      log.replaceSegment(s, null);
    } else log.replaceSegment(s, segment);
    await yieldToLoop();
  }
}
