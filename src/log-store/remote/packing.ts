/**
 * Records packed for the trip to or from another thread or process (RemoteBackend <-> server.ts): all keys and
 * values in one byte array, the numbers in one Float64Array (as bytes), topics once. Structured clone of 5000
 * record objects, each with its own small buffers, cost more than processing them; JSON lines paid a base64
 * string per key and value. A packed batch is three buffers whatever its length.
 */
import type { HeadersIn } from '../../record-format/record-batch.ts';
import type { ConsumerRecord, ProducerRecord, RecordMetadata } from '../../log-client/types.ts';

export interface PackedRecords {
  topics: string[];
  /** Float64Array bytes: per record [topic index, partition, offset, timestamp, key length, value length] (NaN: absent, -1 length: null). */
  meta: Uint8Array;
  data: Uint8Array;
  /** [record index, headers] for the records that have headers. */
  headers: Array<[number, HeadersIn]>;
}

const FIELDS = 6;
const utf8 = new TextEncoder();

type Packable = Pick<ProducerRecord, 'topic' | 'key' | 'value' | 'timestamp' | 'headers' | 'partition'> & { offset?: number };

/** Topic names once per batch: `index(topic)` gives the topic's position in `topics`. */
function topicTable(): { topics: string[]; index(topic: string): number } {
  const topics: string[] = [];
  const at = new Map<string, number>();
  return {
    topics,
    index(topic) {
      let t = at.get(topic);
      if (t === undefined) {
        t = topics.length;
        topics.push(topic);
        at.set(topic, t);
      }
      return t;
    },
  };
}

/** The numbers of a packed batch (a copy: the bytes may sit at an offset a Float64Array cannot start at). */
function floats(b: Uint8Array): Float64Array {
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function bytesOf(b: Uint8Array | string | null | undefined): Uint8Array | null {
  if (b === null || b === undefined) return null;
  return typeof b === 'string' ? utf8.encode(b) : b;
}

export function packRecords(records: readonly Packable[]): PackedRecords {
  const n = records.length;
  const meta = new Float64Array(n * FIELDS);
  const table = topicTable();
  const keys: Array<Uint8Array | null> = new Array(n);
  const values: Array<Uint8Array | null> = new Array(n);
  const headers: Array<[number, HeadersIn]> = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const k = (keys[i] = bytesOf(r.key));
    const v = (values[i] = bytesOf(r.value));
    const m = i * FIELDS;
    meta[m] = table.index(r.topic);
    meta[m + 1] = r.partition ?? NaN;
    meta[m + 2] = r.offset ?? NaN;
    meta[m + 3] = r.timestamp ?? NaN;
    meta[m + 4] = k === null ? -1 : k.length;
    meta[m + 5] = v === null ? -1 : v.length;
    size += (k?.length ?? 0) + (v?.length ?? 0);
    if (r.headers) {
      for (const _h in r.headers) {
        headers.push([i, r.headers]);
        break;
      }
    }
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i], v = values[i];
    if (k !== null) { data.set(k, at); at += k.length; }
    if (v !== null) { data.set(v, at); at += v.length; }
  }
  return { topics: table.topics, meta: new Uint8Array(meta.buffer), data, headers };
}

/** Walks a packed batch: `each(topic, partition, offset, timestamp, key, value, headers)`; NaN numbers are absent. */
function unpack(p: PackedRecords, each: (topic: string, partition: number, offset: number, timestamp: number, key: Uint8Array | null, value: Uint8Array | null, headers: HeadersIn | undefined) => void): void {
  const meta = floats(p.meta);
  const n = meta.length / FIELDS;
  let at = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const m = i * FIELDS;
    const kl = meta[m + 4], vl = meta[m + 5];
    const key = kl < 0 ? null : p.data.subarray(at, at + kl);
    if (kl > 0) at += kl;
    const value = vl < 0 ? null : p.data.subarray(at, at + vl);
    if (vl > 0) at += vl;
    let headers: HeadersIn | undefined;
    if (h < p.headers.length && p.headers[h][0] === i) headers = p.headers[h++][1];
    each(p.topics[meta[m]], meta[m + 1], meta[m + 2], meta[m + 3], key, value, headers);
  }
}

export function unpackConsumerRecords(p: PackedRecords): ConsumerRecord[] {
  const out: ConsumerRecord[] = [];
  unpack(p, (topic, partition, offset, timestamp, key, value, headers) => {
    out.push({ topic, partition, offset, key, value, timestamp, headers: (headers as ConsumerRecord['headers'] | undefined) ?? {} });
  });
  return out;
}

export function unpackProducerRecords(p: PackedRecords): ProducerRecord[] {
  const out: ProducerRecord[] = [];
  unpack(p, (topic, partition, _offset, timestamp, key, value, headers) => {
    const r: ProducerRecord = { topic, key, value };
    if (!Number.isNaN(partition)) r.partition = partition;
    if (!Number.isNaN(timestamp)) r.timestamp = timestamp;
    if (headers) r.headers = headers;
    out.push(r);
  });
  return out;
}

/** Record metadata as [topic index, partition, offset, timestamp] per record (Float64Array bytes). */
export interface PackedMetadata {
  topics: string[];
  meta: Uint8Array;
}

export function packMetadata(ms: readonly RecordMetadata[]): PackedMetadata {
  const meta = new Float64Array(ms.length * 4);
  const table = topicTable();
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i];
    meta[i * 4] = table.index(m.topic);
    meta[i * 4 + 1] = m.partition;
    meta[i * 4 + 2] = m.offset;
    meta[i * 4 + 3] = m.timestamp;
  }
  return { topics: table.topics, meta: new Uint8Array(meta.buffer) };
}

export function unpackMetadata(p: PackedMetadata): RecordMetadata[] {
  const meta = floats(p.meta);
  const out: RecordMetadata[] = new Array(meta.length / 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = { topic: p.topics[meta[i * 4]], partition: meta[i * 4 + 1], offset: meta[i * 4 + 2], timestamp: meta[i * 4 + 3] };
  }
  return out;
}
