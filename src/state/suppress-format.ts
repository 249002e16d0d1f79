/**
 * Kafka Streams' suppress-buffer changelog value, format V3 (the record header `v` = 3; InMemoryTimeOrderedKeyValue-
 * ChangeBuffer.logValue, BufferValue.serialize, ProcessorRecordContext.serialize), so that a buffer restored by Kafka
 * Streams from our changelog, or by us from Kafka Streams', holds the same entries:
 *   record context: timestamp (int64), offset (int64), topic (int32 length + UTF-8), partition (int32),
 *                   header count (int32), per header: key (int32 length + UTF-8), value (int32 length or -1 + bytes)
 *   prior value, old value, new value: int32 length or -1 (null) + bytes; the old value is -2 when equal to the prior
 *   buffer time (int64)
 * All integers big-endian.
 */
import type { Headers } from '../api/records.ts';

export const V3_HEADERS: Headers = Object.freeze({ v: Uint8Array.of(3) });
const NULL = -1;
const SAME_AS_PRIOR = -2;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export interface BufferRecordContext {
  timestamp: number;
  offset: number;
  topic: string;
  partition: number;
  headers?: Headers;
}

export interface DecodedBufferValue {
  context: BufferRecordContext;
  prior: Uint8Array | null;
  /** The same object as `prior` when the changelog marked it so. */
  old: Uint8Array | null;
  value: Uint8Array | null;
  time: number;
}

const same = (a: Uint8Array | null, b: Uint8Array | null): boolean => {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

export function encodeBufferV3(ctx: BufferRecordContext, prior: Uint8Array | null, old: Uint8Array | null, value: Uint8Array | null, time: number): Uint8Array {
  const topic = utf8.encode(ctx.topic);
  const headers = Object.entries(ctx.headers ?? {}).map(([k, v]) => [utf8.encode(k), typeof v === 'string' ? utf8.encode(v) : v] as const);
  const oldSame = old !== null && same(prior, old);
  let n = 8 + 8 + 4 + topic.length + 4 + 4 + 12 + (prior?.length ?? 0) + (oldSame ? 0 : old?.length ?? 0) + (value?.length ?? 0) + 8;
  for (const [k, v] of headers) n += 8 + k.length + v.length;
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  let at = 0;
  const long = (x: number) => { dv.setBigInt64(at, BigInt(x)); at += 8; };
  const int = (x: number) => { dv.setInt32(at, x); at += 4; };
  const bytes = (b: Uint8Array) => { int(b.length); out.set(b, at); at += b.length; };
  const nullable = (b: Uint8Array | null) => (b === null ? int(NULL) : bytes(b));
  long(ctx.timestamp);
  long(ctx.offset);
  bytes(topic);
  int(ctx.partition);
  int(headers.length);
  for (const [k, v] of headers) { bytes(k); bytes(v); }
  nullable(prior);
  if (oldSame) int(SAME_AS_PRIOR);
  else nullable(old);
  nullable(value);
  long(time);
  return out;
}

/** @param what names the buffer in the error of a value that is not in format V3 */
export function decodeBufferV3(b: Uint8Array, what: string): DecodedBufferValue {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > b.length) {
      throw new RangeError(`${what}: a changelog value of ${b.length} bytes is not in Kafka's suppress-buffer format V3 (it ends at byte ${at}, ` +
        `${n} more expected); a changelog written by an older Tributary cannot be restored: delete the changelog topic's records and the state dir to start the buffer empty.`);
    }
  };
  const long = () => { need(8); const x = Number(dv.getBigInt64(at)); at += 8; return x; };
  const int = () => { need(4); const x = dv.getInt32(at); at += 4; return x; };
  const sized = (n: number) => { need(n); const x = b.subarray(at, at + n); at += n; return x; };
  const nullable = (n: number) => (n < 0 ? null : sized(n));
  const timestamp = long();
  const offset = long();
  const topic = fromUtf8.decode(sized(int()));
  const partition = int();
  const count = int();
  let headers: Headers | undefined;
  for (let i = 0; i < count; i++) {
    const k = fromUtf8.decode(sized(int()));
    (headers ??= {})[k] = nullable(int()) ?? new Uint8Array(0);
  }
  const prior = nullable(int());
  const oldLen = int();
  const old = oldLen === SAME_AS_PRIOR ? prior : nullable(oldLen);
  const value = nullable(int());
  const time = long();
  if (at !== b.length) throw new RangeError(`${what}: a changelog value has ${b.length - at} bytes after Kafka's suppress-buffer format V3 ends.`);
  return { context: { timestamp, offset, topic, partition, headers }, prior, old, value, time };
}
