/**
 * Fetch on Kafka: one Fetch v17 request per leader (built by @platformatic/kafka), its response parsed here down to
 * each partition's raw record bytes, whose RecordBatch v2 batches are walked with the log's own decoder
 * (src/log-store/record-batch.ts), without an intermediate object per record. Control batches are skipped, and
 * under read_committed the aborted transactions' batches too (from the response's abortedTransactions, as Kafka's
 * consumer does). Compressed batches (a producer's choice) go through the library's decoder.
 */
import { createAPI, fetchV17, Reader, readRecordsBatch, ResponseError } from '@platformatic/kafka';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, forEachRecord, HEADER_SIZE, readHeader, type RecordVisitor } from '../record-format/record-batch.ts';
import type { ConsumerRecord, Isolation, OffsetAndPartition } from '../log-client/types.ts';
import type { Broker, KafkaClient } from './client.ts';

interface RawPartition {
  partitionIndex: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  aborted: Array<{ producerId: number; firstOffset: number }>;
  records: Buffer | null;
}

interface RawFetchResponse { responses: Array<{ topicId: string; partitions: RawPartition[] }> }

function parseRaw(_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): RawFetchResponse {
  const errors: Array<[string, [number, null]]> = [];
  reader.readInt32(); // throttle
  const errorCode = reader.readInt16();
  if (errorCode !== 0) errors.push(['', [errorCode, null]]);
  reader.readInt32(); // session id
  const response: RawFetchResponse = {
    responses: reader.readArray((r, i) => ({
      topicId: r.readUUID(),
      partitions: r.readArray((r2, j) => {
        const partitionIndex = r2.readInt32();
        const code = r2.readInt16();
        if (code !== 0) errors.push([`/responses/${i}/partitions/${j}`, [code, null]]);
        const highWatermark = r2.readInt64();
        const lastStableOffset = r2.readInt64();
        r2.readInt64(); // log start offset
        const aborted = r2.readArray((r3) => ({ producerId: Number(r3.readInt64()), firstOffset: Number(r3.readInt64()) })) ?? [];
        r2.readInt32(); // preferred read replica
        const size = r2.readUnsignedVarInt() - 1;
        let records: Buffer | null = null;
        if (size > 0) {
          records = r2.buffer.slice(r2.position, r2.position + size);
          r2.skip(size);
        }
        return { partitionIndex, highWatermark, lastStableOffset, aborted, records };
      }),
    })),
  };
  if (errors.length) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response);
  return response;
}

const fetchRaw = createAPI<fetchV17.FetchRequest, RawFetchResponse>(1, 17, fetchV17.createRequest, parseRaw);

export interface FetchedPartition {
  records: ConsumerRecord[];
  next: number;
  highWatermark: number;
  lastStableOffset: number;
}

/** One Fetch per leader for these positions; the raw answer per position (null when the broker sent none). */
async function fetchRawPartitions(client: KafkaClient, positions: OffsetAndPartition[], isolation: Isolation, maxWaitMs: number): Promise<(RawPartition | null)[]> {
  const byLeader = new Map<string, { broker: Broker; idx: number[] }>();
  for (let i = 0; i < positions.length; i++) {
    const b = await client.leader(positions[i].topic, positions[i].partition);
    const k = `${b.host}:${b.port}`;
    (byLeader.get(k) ?? byLeader.set(k, { broker: b, idx: [] }).get(k)!).idx.push(i);
  }
  const out = new Array<RawPartition | null>(positions.length).fill(null);
  await Promise.all([...byLeader.values()].map(async ({ broker, idx }) => {
    const topics = new Map<string, { topicId: string; partitions: fetchV17.FetchRequestPartition[] }>();
    for (const i of idx) {
      const p = positions[i];
      const meta = await client.requireTopic(p.topic);
      let t = topics.get(p.topic);
      if (!t) topics.set(p.topic, (t = { topicId: meta.topicId, partitions: [] }));
      t.partitions.push({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(p.offset), lastFetchedEpoch: -1, partitionMaxBytes: 4 << 20 });
    }
    const conn = await client.connection(broker, 'fetch');
    const res = await fetchRaw.async(conn, maxWaitMs, 1, 32 << 20, isolation === 'read_committed' ? 1 : 0, 0, -1, [...topics.values()], [], '');
    const names = new Map([...topics.entries()].map(([name, t]) => [t.topicId, name]));
    for (const t of res.responses) {
      const name = names.get(t.topicId)!;
      for (const p of t.partitions) out[idx.find((j) => positions[j].topic === name && positions[j].partition === p.partitionIndex)!] = p;
    }
  }));
  return out;
}

/**
 * Fetches from these positions (one request per leader) and decodes up to maxRecords records in total.
 * `next` is past the last decoded record, or past the skipped control and aborted batches.
 */
export async function fetchRecords(
  client: KafkaClient, positions: OffsetAndPartition[], isolation: Isolation, maxWaitMs: number, maxRecords: number,
): Promise<FetchedPartition[]> {
  const raw = await fetchRawPartitions(client, positions, isolation, maxWaitMs);
  let budget = maxRecords;
  return raw.map((p, i) => {
    if (!p) return { records: [], next: positions[i].offset, highWatermark: -1, lastStableOffset: -1 };
    const records: ConsumerRecord[] = [];
    const { topic, partition } = positions[i];
    const next = decodeBatches(p, positions[i].offset, isolation, budget, (offset, timestamp, key, value, headers) => {
      records.push({ topic, partition, offset, key, value, timestamp, headers: headers ?? EMPTY });
    });
    budget -= records.length;
    return { records, next, highWatermark: Number(p.highWatermark), lastStableOffset: Number(p.lastStableOffset) };
  });
}

/** One partition from an offset without waiting, each record handed to a visitor (changelog restore). */
export async function readEachRecord(
  client: KafkaClient, tp: { topic: string; partition: number }, from: number, maxRecords: number, isolation: Isolation, each: RecordVisitor,
): Promise<{ count: number; next: number }> {
  const [p] = await fetchRawPartitions(client, [{ ...tp, offset: from }], isolation, 0);
  if (!p) return { count: 0, next: from };
  let count = 0;
  const next = decodeBatches(p, from, isolation, maxRecords, (offset, timestamp, key, value, headers) => {
    count++;
    each(offset, timestamp, key, value, headers);
  });
  return { count, next };
}

/** Visits up to `budget` records at or after `from`; returns the next offset to fetch. */
function decodeBatches(p: RawPartition, from: number, isolation: Isolation, budget: number, each: RecordVisitor): number {
  const buf = p.records;
  let next = from;
  if (!buf) return next;
  const aborted = isolation === 'read_committed' ? [...p.aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<number>();
  let ai = 0;
  let count = 0;
  let pos = 0;
  // the last batch of a response may be cut short by the size limit: stop at the first incomplete one
  while (pos + HEADER_SIZE <= buf.length) {
    const h = readHeader(buf, pos);
    if (pos + h.size > buf.length) break;
    const at = pos;
    pos += h.size;
    const last = h.baseOffset + h.lastOffsetDelta;
    if (last < from) continue;
    if (count >= budget) break;
    while (ai < aborted.length && aborted[ai].firstOffset <= last) abortedProducers.add(aborted[ai++].producerId);
    if (h.attributes & ATTR_CONTROL) {
      abortedProducers.delete(h.producerId); // an abort marker ends that producer's aborted transaction
      next = last + 1;
      continue;
    }
    if ((h.attributes & ATTR_TRANSACTIONAL) && abortedProducers.has(h.producerId)) {
      next = last + 1;
      continue;
    }
    let stopped = false;
    const visit: RecordVisitor = (offset, timestamp, key, value, headers) => {
      if (stopped || offset < from) return;
      if (count >= budget) { stopped = true; return; }
      each(offset, timestamp, key, value, headers);
      count++;
      next = offset + 1;
    };
    if (h.attributes & 0x07) visitCompressed(buf, at, h.size, visit);
    else forEachRecord(buf, at, h, visit);
    if (stopped) break;
    next = last + 1;
  }
  return next;
}

function visitCompressed(buf: Buffer, at: number, size: number, each: RecordVisitor): void {
  const b = readRecordsBatch(Reader.from(buf.subarray(at, at + size)));
  const base = Number(b.firstOffset);
  const ts = Number(b.firstTimestamp);
  for (const r of b.records) {
    let headers: { [name: string]: Uint8Array } | null = null;
    for (const [k, v] of r.headers) if (k) (headers ??= {})[k.toString('utf8')] = v ?? new Uint8Array(0);
    each(base + r.offsetDelta, ts + Number(r.timestampDelta), r.key, r.value, headers);
  }
}

const EMPTY: { [name: string]: Uint8Array } = Object.freeze({}) as { [name: string]: Uint8Array };
