/**
 * Record formats of the internal topics. `__consumer_offsets` uses Kafka's own key (v1: group,
 * topic, partition) and value (v3: offset, leaderEpoch, metadata, commitTimestamp) layouts;
 * `__transaction_state` holds JSON values keyed by transactional id. Both are compacted.
 */
import type { CommittedOffset, OffsetAndPartition, TopicPartition } from '../../log-client/types.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';
export const TXN_TOPIC = '__transaction_state';

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

export function offsetKey(group: string, tp: TopicPartition): Buffer {
  const p = Buffer.allocUnsafe(4);
  p.writeInt32BE(tp.partition, 0);
  const v = Buffer.from([0, 1]);
  return Buffer.concat([v, str(group), str(tp.topic), p]);
}

/** Kafka's OffsetCommitValue v3: offset, leader epoch (-1), metadata (int16 length + UTF-8; "" for none), commit time. */
export function offsetValue(offset: number, metadata: string | null | undefined, now: number): Buffer {
  const m = Buffer.from(metadata ?? '', 'utf8');
  if (m.length > 0x7fff) throw new RangeError(`offset metadata of ${m.length} bytes is longer than Kafka's 32767: commit a shorter metadata string`);
  const b = Buffer.alloc(2 + 8 + 4 + 2 + m.length + 8);
  b.writeInt16BE(3, 0);
  b.writeBigInt64BE(BigInt(offset), 2);
  b.writeInt32BE(-1, 10);
  b.writeInt16BE(m.length, 14);
  m.copy(b, 16);
  b.writeBigInt64BE(BigInt(now), 16 + m.length);
  return b;
}

export function decodeOffsetKey(k: Uint8Array): { group: string; topic: string; partition: number } | null {
  const b = Buffer.from(k.buffer, k.byteOffset, k.length);
  if (b.readInt16BE(0) > 1) return null; // group metadata records (v2) are not offsets
  const gl = b.readInt16BE(2);
  const group = b.toString('utf8', 4, 4 + gl);
  const tl = b.readInt16BE(4 + gl);
  const topic = b.toString('utf8', 6 + gl, 6 + gl + tl);
  return { group, topic, partition: b.readInt32BE(6 + gl + tl) };
}

/** An OffsetCommitValue (v0-v3): the offset and its metadata string (null when empty). */
export function decodeOffsetValue(v: Uint8Array): CommittedOffset {
  const b = Buffer.from(v.buffer, v.byteOffset, v.length);
  const at = b.readInt16BE(0) >= 3 ? 14 : 10; // v3 has a leader epoch before the metadata
  const len = b.length >= at + 2 ? b.readInt16BE(at) : -1;
  return { offset: Number(b.readBigInt64BE(2)), metadata: len > 0 ? b.toString('utf8', at + 2, at + 2 + len) : null };
}

export type TxnStateName = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';

export interface TxnPartition extends TopicPartition {
  /** Lower bound of the transaction's first offset in this partition (the end offset when it was added). */
  first: number;
}

export interface TxnState {
  producerId: number;
  epoch: number;
  state: TxnStateName;
  partitions: TxnPartition[];
  /** Offsets to commit with the transaction. */
  offsets?: { groupId: string; offsets: OffsetAndPartition[] }[];
}
