/**
 * Kafka Streams' committed offset metadata (TopicPartitionMetadata), the base64 string a task commits with each
 * input partition's offset: version byte 2, the partition time (int64, big-endian; -1 unknown), then the task's
 * processor metadata (ProcessorMetadata: int32 entry count, per entry int32 key length, UTF-8 key, int64 value;
 * nothing at all when empty). Version 1 holds the partition time only. On task initialization the partition times
 * come back (StreamTask.initializeTaskTime), so stream time goes on from where the last owner left it.
 *
 * Encoded once per input partition per commit, decoded once per partition per task initialization: never per record.
 */

export const OFFSET_METADATA_VERSION = 2;
export const UNKNOWN_PARTITION_TIME = -1;

/** What a committed metadata string holds. `processor`: ProcessorMetadata entries (Kafka keys them by store name). */
export interface PartitionMetadata {
  partitionTime: number;
  processor: Map<string, bigint>;
}

export type DecodedMetadata = PartitionMetadata & {
  /** Why (part of) the string did not decode, as Kafka would log it; absent when it decoded completely. */
  problem?: string;
};

const TWO_32 = 2 ** 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** The base64 metadata string of one input partition: its partition time and the task's processor metadata. */
export function encodePartitionMetadata(partitionTime: number, processor?: ReadonlyMap<string, bigint>): string {
  const keys: Uint8Array[] = [];
  let size = 1 + 8;
  if (processor && processor.size > 0) {
    size += 4;
    for (const k of processor.keys()) {
      const b = utf8.encode(k);
      keys.push(b);
      size += 4 + b.length + 8;
    }
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setInt8(0, OFFSET_METADATA_VERSION);
  const t = Math.trunc(partitionTime);
  const hi = Math.floor(t / TWO_32);
  view.setInt32(1, hi);
  view.setUint32(5, t - hi * TWO_32);
  if (processor && processor.size > 0) {
    let at = 9;
    view.setInt32(at, processor.size);
    at += 4;
    let i = 0;
    for (const v of processor.values()) {
      const k = keys[i++];
      view.setInt32(at, k.length);
      bytes.set(k, at + 4);
      at += 4 + k.length;
      view.setBigInt64(at, v);
      at += 8;
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/**
 * Decodes a committed metadata string as Kafka's TopicPartitionMetadata.decode does: null or empty is an unknown
 * partition time, without a problem; a string that is not base64, too short, or of another version is an unknown
 * time with a `problem` (Kafka logs it and goes on). A valid time followed by processor metadata that does not
 * decode keeps the time (as Kafka does) and drops the processor metadata, with a `problem`.
 */
export function decodePartitionMetadata(s: string | null | undefined): DecodedMetadata {
  const out: DecodedMetadata = { partitionTime: UNKNOWN_PARTITION_TIME, processor: new Map() };
  if (!s) return out;
  // Java's basic Base64 decoder: the standard alphabet, padding optional, never a length of 4n+1.
  if (!BASE64.test(s) || s.length % 4 === 1) return { ...out, problem: 'not base64' };
  const bytes = Buffer.from(s, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length < 1) return { ...out, problem: 'empty after base64 decoding' };
  const version = view.getInt8(0);
  if (version !== 1 && version !== OFFSET_METADATA_VERSION) {
    return { ...out, problem: `unsupported offset metadata version ${version} (supported: <= ${OFFSET_METADATA_VERSION})` };
  }
  if (bytes.length < 9) return { ...out, problem: `version ${version} needs 9 bytes for the partition time, found ${bytes.length}` };
  out.partitionTime = view.getInt32(1) * TWO_32 + view.getUint32(5);
  if (version === 1 || bytes.length === 9) return out;
  try {
    const entries = new Map<string, bigint>();
    let at = 9;
    const count = view.getInt32(at);
    at += 4;
    if (count < 0) throw new RangeError(`negative entry count ${count}`);
    for (let i = 0; i < count; i++) {
      const len = view.getInt32(at);
      if (len < 0 || at + 4 + len + 8 > bytes.length) throw new RangeError(`entry ${i} runs past the end`);
      const key = utf8Decoder.decode(bytes.subarray(at + 4, at + 4 + len));
      at += 4 + len;
      entries.set(key, view.getBigInt64(at));
      at += 8;
    }
    out.processor = entries;
    return out;
  } catch (e) {
    return { ...out, problem: `processor metadata does not decode (${(e as Error).message})` };
  }
}

/** Kafka's ProcessorMetadata.update: keys missing are added, a key present keeps the larger value. */
export function mergeProcessorMetadata(into: Map<string, bigint>, other: ReadonlyMap<string, bigint>): void {
  for (const [k, v] of other) {
    const cur = into.get(k);
    if (cur === undefined || cur < v) into.set(k, v);
  }
}
