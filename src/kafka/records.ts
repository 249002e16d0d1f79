/**
 * Produce on Kafka: records grouped into one batch per partition (split below the broker's 1 MiB
 * message.max.bytes), one Produce request per leader and round, all requests sent before any reply is awaited.
 */
import { createAPI, produceV11, Writer } from '@platformatic/kafka';

import { LogStoreError } from '../log-client/errors.ts';
import { partitionForKey } from '../log-client/murmur2.ts';
import { encodeBatch } from '../record-format/record-batch.ts';
import type { ProducerRecord, RecordMetadata } from '../log-client/types.ts';
import { describeError, isRetriable, protocolErrorId, type Broker, type KafkaClient } from './client.ts';

/** A transactional or idempotent producer's identity and its next sequence per partition. */
export interface ProducerIdentity {
  transactionalId: string | null;
  producerId: bigint;
  epoch: number;
  sequences: Map<string, number>;
  /**
   * The previous produce call of this producer has encoded its batches (sequence numbers assigned) and written its
   * requests: the next call waits for it before encoding (see produceRecords).
   */
  encoded?: Promise<void>;
}

const MAX_BATCH_BYTES = 900 * 1024;

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

function byteLength(b: Uint8Array | string | null | undefined): number {
  return b == null ? 0 : typeof b === 'string' ? b.length * 3 : b.byteLength;
}

function sizeOf(r: ProducerRecord): number {
  let n = 24 + byteLength(r.key) + byteLength(r.value);
  if (r.headers) for (const k in r.headers) n += 8 + k.length * 3 + byteLength(r.headers[k]);
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
  // Calls of one idempotent (transactional) producer encode in call order: sequence numbers are assigned when a call
  // encodes its batches, after awaits (metadata, AddPartitionsToTxn and its retries) that may finish in any order.
  // A later call that encoded first would take the lower sequence numbers, its batch would be appended first, and a
  // changelog would hold one task's updates out of order (a restore then ends on an older value).
  const previous = id?.encoded;
  let encoded = (): void => undefined;
  if (id) id.encoded = new Promise<void>((resolve) => { encoded = resolve; });
  try {
    if (previous) await previous;
    return await encodeAndSend(client, partitioner, records, id, onPartitions, () => encoded());
  } finally {
    encoded();
  }
}

async function encodeAndSend(
  client: KafkaClient, partitioner: Partitioner, records: ProducerRecord[], id: ProducerIdentity | null,
  onPartitions: ((tps: Array<{ topic: string; partition: number }>) => Promise<void>) | undefined, encoded: () => void,
): Promise<RecordMetadata[]> {
  const now = Date.now();
  // The topics' metadata once per call (not an await per record), then the records grouped per partition without a
  // string key per record: per topic an array indexed by partition of that partition's chunks and open chunk size.
  const byTopic = new Map<string, { partitions: number; parts: Array<{ list: Chunk[]; size: number } | undefined> }>();
  for (let i = 0; i < records.length; i++) {
    const topic = records[i].topic;
    if (!byTopic.has(topic)) byTopic.set(topic, { partitions: (await client.requireTopic(topic)).leaders.length, parts: [] });
  }
  const chunks = new Map<string, Chunk[]>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const t = byTopic.get(r.topic)!;
    const p = partitioner.partition(client, r, t.partitions);
    let part = t.parts[p];
    if (!part) {
      part = t.parts[p] = { list: [{ topic: r.topic, partition: p, indices: [], records: [] }], size: 0 };
      chunks.set(`${r.topic}:${p}`, part.list);
    }
    const size = sizeOf(r);
    let last = part.list[part.list.length - 1];
    if (last.records.length > 0 && part.size + size > MAX_BATCH_BYTES) {
      part.list.push((last = { topic: r.topic, partition: p, indices: [], records: [] }));
      part.size = 0;
    }
    part.size += size;
    last.indices.push(i);
    last.records.push(r);
  }
  if (onPartitions) await onPartitions([...chunks.values()].map((c) => ({ topic: c[0].topic, partition: c[0].partition })));
  // Every leader is known before anything is sent, so that a failure here never leaves half a call sent.
  const leaders = new Map<string, Broker>();
  for (const [key, list] of chunks) leaders.set(key, await client.retry(`leader of ${key}`, () => client.leader(list[0].topic, list[0].partition)));
  const out = new Array<RecordMetadata>(records.length);
  // Round k holds the k-th chunk of every partition: an idempotent producer may send one batch per partition per request.
  const rounds = Math.max(...[...chunks.values()].map((c) => c.length));
  const sends: Promise<void>[] = [];
  for (let k = 0; k < rounds; k++) {
    const byLeader = new Map<string, { broker: Broker; chunks: Chunk[] }>();
    for (const [key, list] of chunks) {
      const c = list[k];
      if (!c) continue;
      const b = leaders.get(key)!;
      const bk = `${b.host}:${b.port}`;
      let g = byLeader.get(bk);
      if (!g) byLeader.set(bk, (g = { broker: b, chunks: [] }));
      g.chunks.push(c);
    }
    for (const { broker, chunks: group } of byLeader.values()) sends.push(sendRequest(client, broker, group, id, out, now));
  }
  encoded();
  await Promise.all(sends);
  return out;
}

interface Encoded { chunk: Chunk; batch: Buffer }

function encodeChunks(group: Chunk[], id: ProducerIdentity | null, now: number): Encoded[] {
  return group.map((c) => {
    let baseSequence = -1;
    if (id) {
      const key = `${c.topic}:${c.partition}`;
      baseSequence = id.sequences.get(key) ?? 0;
      id.sequences.set(key, (baseSequence + c.records.length) % 0x80000000);
    }
    const batch = encodeBatch(c.records, 0, now, id
      ? { producerId: Number(id.producerId), producerEpoch: id.epoch, baseSequence, transactional: id.transactionalId !== null }
      : {});
    return { chunk: c, batch };
  });
}

async function sendRequest(client: KafkaClient, broker: Broker, group: Chunk[], id: ProducerIdentity | null, out: RecordMetadata[], now: number): Promise<void> {
  await sendEncoded(client, broker, encodeChunks(group, id, now), id, out, now, Date.now() + (client.opts.retryForMs ?? 120_000));
}

async function sendEncoded(client: KafkaClient, broker: Broker, encoded: Encoded[], id: ProducerIdentity | null, out: RecordMetadata[], now: number, deadline: number): Promise<void> {
  let pending = encoded;
  let delay = 50;
  // A response may accept some partitions and refuse others: only the refused ones are sent again (an idempotent
  // producer resends them with the same sequence numbers, so the broker drops any it already has), to the leader
  // the metadata names then (a leader that moved, or a new topic's partition whose leader was not elected yet).
  for (;;) {
    const topics = new Map<string, PartitionBatch[]>();
    for (const { chunk, batch } of pending) (topics.get(chunk.topic) ?? topics.set(chunk.topic, []).get(chunk.topic)!).push({ index: chunk.partition, batch });
    let res: produceV11.ProduceResponse | null = null;
    let err: unknown = null;
    try {
      res = await produceRequest.async(await client.connection(broker), id?.transactionalId ?? null, -1, 30_000, [...topics].map(([name, partitions]) => ({ name, partitions })));
    } catch (e) {
      err = e;
      res = (e as { response?: produceV11.ProduceResponse }).response ?? null;
    }
    const done = new Set<Chunk>();
    for (const t of res?.responses ?? []) {
      for (const p of t.partitionResponses) {
        if (p.errorCode !== 0) continue;
        const c = pending.find((x) => x.chunk.topic === t.name && x.chunk.partition === p.index)?.chunk;
        if (!c) continue;
        done.add(c);
        const base = Number(p.baseOffset);
        const appendTime = Number(p.logAppendTimeMs);
        for (let j = 0; j < c.indices.length; j++) {
          out[c.indices[j]] = { topic: c.topic, partition: c.partition, offset: base + j, timestamp: appendTime >= 0 ? appendTime : (c.records[j].timestamp ?? now) };
        }
      }
    }
    pending = pending.filter((x) => !done.has(x.chunk));
    if (!pending.length) return;
    const where = pending.map((x) => `${x.chunk.topic}-${x.chunk.partition}`).join(', ');
    const refused = client.explain(err, `produce to ${where}${id?.transactionalId ? ` as '${id.transactionalId}'` : ''}`);
    if (refused) throw Object.assign(new LogStoreError('NOT_AUTHORIZED', refused), { apiId: protocolErrorId(err) ?? undefined });
    if (isFenced(err)) {
      throw new LogStoreError('FENCED', `produce to ${where}: transactional producer '${id?.transactionalId}' was fenced (${describeError(err)}): another instance with the same transactional.id took over`);
    }
    if (!isRetriable(err) || Date.now() > deadline) throw new LogStoreError('REMOTE', `produce to ${where} on Kafka at ${client.where} failed: ${describeError(err)}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
    for (const t of new Set(pending.map((x) => x.chunk.topic))) client.forgetTopic(t);
    const byLeader = new Map<string, { broker: Broker; encoded: Encoded[] }>();
    for (const x of pending) {
      const b = await client.retry(`leader of ${x.chunk.topic}-${x.chunk.partition}`, () => client.leader(x.chunk.topic, x.chunk.partition));
      const bk = `${b.host}:${b.port}`;
      (byLeader.get(bk) ?? byLeader.set(bk, { broker: b, encoded: [] }).get(bk)!).encoded.push(x);
    }
    const here = byLeader.get(`${broker.host}:${broker.port}`);
    byLeader.delete(`${broker.host}:${broker.port}`);
    const moved = [...byLeader.values()].map((g) => sendEncoded(client, g.broker, g.encoded, id, out, now, deadline));
    if (!here) {
      await Promise.all(moved);
      return;
    }
    pending = here.encoded;
    if (moved.length) {
      await Promise.all([...moved, sendEncoded(client, broker, pending, id, out, now, deadline)]);
      return;
    }
  }
}

function isFenced(e: unknown): boolean {
  const s = String((e as { errors?: Array<{ apiId?: string }> })?.errors?.map((x) => x.apiId).join(',') ?? '');
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/.test(s);
}
