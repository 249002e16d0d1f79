/**
 * Produce and fetch on Kafka: records grouped into one batch per partition (split below the broker's 1 MiB
 * message.max.bytes), one Produce request per leader and round, all requests sent before any reply is awaited;
 * fetched batches decoded into ConsumerRecords with control batches and (read_committed) aborted transactions
 * skipped, as Kafka's consumer does from the abortedTransactions of the Fetch response.
 */
import { createAPI, fetchV17, produceV11, Writer, type RecordsBatch } from '@platformatic/kafka';

type FetchResponsePartition = fetchV17.FetchResponsePartition;
import { LogStoreError } from '../log-store/errors.ts';
import { partitionForKey } from '../log-store/murmur2.ts';
import { encodeBatch } from '../log-store/record-batch.ts';
import type { ConsumerRecord, Isolation, OffsetAndPartition, ProducerRecord, RecordMetadata } from '../log-store/types.ts';
import { describeError, type Broker, type KafkaClient } from './client.ts';

/** A transactional or idempotent producer's identity and its next sequence per partition. */
export interface ProducerIdentity {
  transactionalId: string | null;
  producerId: bigint;
  epoch: number;
  sequences: Map<string, number>;
}

const MAX_BATCH_BYTES = 900 * 1024;
const IS_TRANSACTIONAL = 0x10;
const IS_CONTROL = 0x20;

const encoder = new TextEncoder();

interface PartitionBatch { index: number; batch: Buffer }

/**
 * Produce v11 with record batches we encode ourselves (src/log-store/record-batch.ts: one buffer per partition batch,
 * no object per record), answered with @platformatic/kafka's response parser.
 */
const produceRequest = createAPI<[transactionalId: string | null, acks: number, timeoutMs: number, topics: Array<{ name: string; partitions: PartitionBatch[] }>], produceV11.ProduceResponse>(
  0, 11,
  (transactionalId: string | null, acks: number, timeoutMs: number, topics: Array<{ name: string; partitions: PartitionBatch[] }>) => Writer.create()
    .appendString(transactionalId)
    .appendInt16(acks)
    .appendInt32(timeoutMs)
    .appendArray(topics, (w, t) => {
      w.appendString(t.name).appendArray(t.partitions, (w2, p) => {
        w2.appendInt32(p.index).appendUnsignedVarInt(p.batch.length + 1).append(p.batch);
      });
    })
    .appendTaggedFields(),
  produceV11.parseResponse,
);

function sizeOf(r: ProducerRecord): number {
  const len = (b: Uint8Array | string | null | undefined) => (b == null ? 0 : typeof b === 'string' ? b.length * 3 : b.byteLength);
  let n = 24 + len(r.key) + len(r.value);
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) n += 8 + k.length * 3 + len(v);
  return n;
}

interface Chunk { topic: string; partition: number; indices: number[]; records: ProducerRecord[] }

export class Partitioner {
  private sticky = new Map<string, number>();
  private rr = 0;

  partition(client: KafkaClient, r: ProducerRecord, partitions: number): number {
    if (r.partition !== undefined) {
      if (r.partition < 0 || r.partition >= partitions) {
        throw new LogStoreError('INVALID_PARTITION', `topic '${r.topic}' has ${partitions} partitions; cannot send to partition ${r.partition}`);
      }
      return r.partition;
    }
    if (r.key !== null && r.key !== undefined) return partitionForKey(typeof r.key === 'string' ? encoder.encode(r.key) : r.key, partitions);
    let s = this.sticky.get(r.topic);
    if (s === undefined) this.sticky.set(r.topic, (s = this.rr++ % partitions));
    return s;
  }
}

/** Sends the records (one batch per partition and round) and returns their metadata in input order. */
export async function produceRecords(
  client: KafkaClient, partitioner: Partitioner, records: ProducerRecord[], id: ProducerIdentity | null,
  onPartitions?: (tps: Array<{ topic: string; partition: number }>) => Promise<void>,
): Promise<RecordMetadata[]> {
  const now = Date.now();
  const chunks = new Map<string, Chunk[]>();
  const sizes = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const meta = await client.requireTopic(r.topic);
    const p = partitioner.partition(client, r, meta.leaders.length);
    const key = `${r.topic}:${p}`;
    let list = chunks.get(key);
    if (!list) chunks.set(key, (list = [{ topic: r.topic, partition: p, indices: [], records: [] }]));
    const size = sizeOf(r);
    let last = list[list.length - 1];
    if (last.records.length > 0 && (sizes.get(key) ?? 0) + size > MAX_BATCH_BYTES) {
      list.push((last = { topic: r.topic, partition: p, indices: [], records: [] }));
      sizes.set(key, 0);
    }
    sizes.set(key, (sizes.get(key) ?? 0) + size);
    last.indices.push(i);
    last.records.push(r);
  }
  if (onPartitions) await onPartitions([...chunks.values()].map((c) => ({ topic: c[0].topic, partition: c[0].partition })));
  const out = new Array<RecordMetadata>(records.length);
  // Round k holds the k-th chunk of every partition: an idempotent producer may send one batch per partition per request.
  const rounds = Math.max(...[...chunks.values()].map((c) => c.length));
  const sends: Promise<void>[] = [];
  for (let k = 0; k < rounds; k++) {
    const byLeader = new Map<string, { broker: Broker; chunks: Chunk[] }>();
    for (const list of chunks.values()) {
      const c = list[k];
      if (!c) continue;
      const b = await client.leader(c.topic, c.partition);
      const bk = `${b.host}:${b.port}`;
      let g = byLeader.get(bk);
      if (!g) byLeader.set(bk, (g = { broker: b, chunks: [] }));
      g.chunks.push(c);
    }
    for (const { broker, chunks: group } of byLeader.values()) sends.push(sendRequest(client, broker, group, id, out, now));
  }
  await Promise.all(sends);
  return out;
}

async function sendRequest(client: KafkaClient, broker: Broker, group: Chunk[], id: ProducerIdentity | null, out: RecordMetadata[], now: number): Promise<void> {
  const topics = new Map<string, PartitionBatch[]>();
  for (const c of group) {
    let baseSequence = -1;
    if (id) {
      const key = `${c.topic}:${c.partition}`;
      baseSequence = id.sequences.get(key) ?? 0;
      id.sequences.set(key, (baseSequence + c.records.length) % 0x80000000);
    }
    const batch = encodeBatch(c.records, 0, now, id
      ? { producerId: Number(id.producerId), producerEpoch: id.epoch, baseSequence, transactional: id.transactionalId !== null }
      : {});
    (topics.get(c.topic) ?? topics.set(c.topic, []).get(c.topic)!).push({ index: c.partition, batch });
  }
  const request = [...topics].map(([name, partitions]) => ({ name, partitions }));
  const where = group.map((c) => `${c.topic}-${c.partition}`).join(', ');
  // Retries resend the same batches with the same sequence numbers, so the broker drops duplicates (idempotence).
  let fenced: unknown = null;
  const res = await client.retry(`produce to ${where}`, async () => {
    try {
      return await produceRequest.async(await client.connection(broker), id?.transactionalId ?? null, -1, 30_000, request);
    } catch (e) {
      if (isFenced(e)) fenced = e;
      throw e;
    }
  }).catch((e: unknown) => {
    if (fenced) throw new LogStoreError('FENCED', `produce to ${where}: transactional producer '${id?.transactionalId}' was fenced (${describeError(fenced)}): another instance with the same transactional.id took over`);
    throw e;
  });
  for (const t of res.responses) {
    for (const p of t.partitionResponses) {
      const c = group.find((x) => x.topic === t.name && x.partition === p.index)!;
      const base = Number(p.baseOffset);
      const appendTime = Number(p.logAppendTimeMs);
      for (let j = 0; j < c.indices.length; j++) {
        out[c.indices[j]] = { topic: c.topic, partition: c.partition, offset: base + j, timestamp: appendTime >= 0 ? appendTime : (c.records[j].timestamp ?? now) };
      }
    }
  }
}

function isFenced(e: unknown): boolean {
  const s = String((e as { errors?: Array<{ apiId?: string }> })?.errors?.map((x) => x.apiId).join(',') ?? '');
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|TRANSACTIONAL_ID_AUTHORIZATION/.test(s);
}

export interface FetchedPartition {
  records: ConsumerRecord[];
  next: number;
  highWatermark: number;
  lastStableOffset: number;
}

/**
 * Fetches from these positions (one request per leader) and decodes up to maxRecords records in total.
 * `next` is past the last decoded record, or past the skipped control and aborted batches.
 */
export async function fetchRecords(
  client: KafkaClient, positions: OffsetAndPartition[], isolation: Isolation, maxWaitMs: number, maxRecords: number,
): Promise<FetchedPartition[]> {
  const byLeader = new Map<string, { broker: Broker; idx: number[] }>();
  for (let i = 0; i < positions.length; i++) {
    const b = await client.leader(positions[i].topic, positions[i].partition);
    const k = `${b.host}:${b.port}`;
    let g = byLeader.get(k);
    if (!g) byLeader.set(k, (g = { broker: b, idx: [] }));
    g.idx.push(i);
  }
  const out = new Array<FetchedPartition>(positions.length);
  let budget = maxRecords;
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
    const res = await fetchV17.api.async(conn, maxWaitMs, 1, 32 << 20, isolation === 'read_committed' ? 1 : 0, 0, -1, [...topics.values()], [], '');
    const names = new Map([...topics.entries()].map(([name, t]) => [t.topicId, name]));
    for (const t of res.responses) {
      const name = names.get(t.topicId)!;
      for (const p of t.partitions) {
        const i = idx.find((j) => positions[j].topic === name && positions[j].partition === p.partitionIndex)!;
        const r = decodePartition(name, p, positions[i].offset, isolation, budget);
        budget -= r.records.length;
        out[i] = r;
      }
    }
  }));
  for (let i = 0; i < out.length; i++) out[i] ??= { records: [], next: positions[i].offset, highWatermark: -1, lastStableOffset: -1 };
  return out;
}

function decodePartition(topic: string, p: FetchResponsePartition, from: number, isolation: Isolation, budget: number): FetchedPartition {
  const records: ConsumerRecord[] = [];
  let next = from;
  const aborted = isolation === 'read_committed' ? [...p.abortedTransactions].sort((a, b) => Number(a.firstOffset - b.firstOffset)) : [];
  const abortedProducers = new Set<bigint>();
  let ai = 0;
  for (const batch of (p.records ?? []) as RecordsBatch[]) {
    const first = Number(batch.firstOffset);
    const last = first + batch.lastOffsetDelta;
    if (last < from) continue;
    if (records.length >= budget) break;
    while (ai < aborted.length && Number(aborted[ai].firstOffset) <= last) abortedProducers.add(aborted[ai++].producerId);
    if (batch.attributes & IS_CONTROL) {
      // an abort marker ends that producer's aborted transaction
      if (abortedProducers.has(batch.producerId)) abortedProducers.delete(batch.producerId);
      next = last + 1;
      continue;
    }
    if ((batch.attributes & IS_TRANSACTIONAL) && abortedProducers.has(batch.producerId)) {
      next = last + 1;
      continue;
    }
    const base = Number(batch.firstTimestamp);
    let stopped = false;
    for (const r of batch.records) {
      const offset = first + r.offsetDelta;
      if (offset < from) continue;
      if (records.length >= budget) { stopped = true; break; }
      let headers: { [name: string]: Uint8Array } = EMPTY;
      if (r.headers.length) {
        headers = {};
        for (const [k, v] of r.headers) if (k) headers[k.toString('utf8')] = v ?? new Uint8Array(0);
      }
      records.push({ topic, partition: p.partitionIndex, offset, key: r.key, value: r.value, timestamp: base + Number(r.timestampDelta), headers });
      next = offset + 1;
    }
    if (stopped) break;
    next = last + 1;
  }
  return { records, next, highWatermark: Number(p.highWatermark), lastStableOffset: Number(p.lastStableOffset) };
}

const EMPTY: { [name: string]: Uint8Array } = Object.freeze({}) as { [name: string]: Uint8Array };
