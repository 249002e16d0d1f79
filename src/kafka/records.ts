/**
 * Produce on Kafka: a call's records grouped per partition (in chunks below the broker's 1 MiB message.max.bytes),
 * queued on the producer's partitions (produce-lanes.ts: batches, in-flight bound, order under retries).
 */
import { LogStoreError } from '../log-client/errors.ts';
import { partitionForKey } from '../log-client/murmur2.ts';
import type { ProducerRecord, RecordMetadata } from '../log-client/types.ts';
import type { Broker, KafkaClient } from './client.ts';
import { MAX_BATCH_BYTES, ProduceLanes, type Chunk, type ProduceCall, type ProducerIdentity } from './produce-lanes.ts';

export type { ProducerIdentity } from './produce-lanes.ts';

const encoder = new TextEncoder();

/**
 * The partitions of a client's plain (not idempotent) producer: the backend has one client and one plain producer,
 * so the client names it.
 */
const plainLanes = new WeakMap<KafkaClient, ProduceLanes>();

function byteLength(b: Uint8Array | string | null | undefined): number {
  return b == null ? 0 : typeof b === 'string' ? b.length * 3 : b.byteLength;
}

function sizeOf(r: ProducerRecord): number {
  let n = 24 + byteLength(r.key) + byteLength(r.value);
  if (r.headers) for (const k in r.headers) n += 8 + k.length * 3 + byteLength(r.headers[k]);
  return n;
}

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

/**
 * Sends the records and returns their metadata in input order. Records of one partition are appended in the order
 * of the calls that queued them (see produce-lanes.ts), retries included.
 */
export async function produceRecords(
  client: KafkaClient, partitioner: Partitioner, records: ProducerRecord[], id: ProducerIdentity | null,
  onPartitions?: (tps: Array<{ topic: string; partition: number }>) => Promise<void>,
): Promise<RecordMetadata[]> {
  // Calls of one idempotent (transactional) producer queue in call order: a call queues its chunks after awaits
  // (metadata, AddPartitionsToTxn and its retries) that may finish in any order. A later call that queued first
  // would take the lower sequence numbers, its batch would be appended first, and a changelog would hold one task's
  // updates out of order (a restore then ends on an older value).
  const previous = id?.encoded;
  let encoded = (): void => undefined;
  if (id) id.encoded = new Promise<void>((resolve) => { encoded = resolve; });
  try {
    if (previous) await previous;
    return await queueCall(client, partitioner, records, id, onPartitions, () => encoded());
  } finally {
    encoded();
  }
}

async function queueCall(
  client: KafkaClient, partitioner: Partitioner, records: ProducerRecord[], id: ProducerIdentity | null,
  onPartitions: ((tps: Array<{ topic: string; partition: number }>) => Promise<void>) | undefined, queued: () => void,
): Promise<RecordMetadata[]> {
  const now = Date.now();
  // The topics' metadata once per call (not an await per record), then the records grouped per partition without a
  // string key per record: per topic an array indexed by partition of that partition's chunks and open chunk size.
  const byTopic = new Map<string, { partitions: number; parts: Array<Chunk[] | undefined> }>();
  for (let i = 0; i < records.length; i++) {
    const topic = records[i].topic;
    if (!byTopic.has(topic)) byTopic.set(topic, { partitions: (await client.requireTopic(topic)).leaders.length, parts: [] });
  }
  let settle!: Pick<ProduceCall, 'resolve' | 'reject'>;
  const done = new Promise<RecordMetadata[]>((resolve, reject) => { settle = { resolve, reject }; });
  const call: ProduceCall = {
    out: new Array<RecordMetadata>(records.length), left: 0, now, deadline: now + (client.opts.retryForMs ?? 120_000), failure: undefined,
    resolve: (out) => settle.resolve(out), reject: (e) => settle.reject(e),
  };
  const lists: Chunk[][] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const t = byTopic.get(r.topic)!;
    const p = partitioner.partition(client, r, t.partitions);
    let list = t.parts[p];
    if (!list) lists.push((list = t.parts[p] = [{ topic: r.topic, partition: p, indices: [], records: [], size: 0, call }]));
    const size = sizeOf(r);
    let last = list[list.length - 1];
    if (last.records.length > 0 && last.size + size > MAX_BATCH_BYTES) list.push((last = { topic: r.topic, partition: p, indices: [], records: [], size: 0, call }));
    last.size += size;
    last.indices.push(i);
    last.records.push(r);
  }
  if (onPartitions) await onPartitions(lists.map((c) => ({ topic: c[0].topic, partition: c[0].partition })));
  // Every leader is known before anything is queued, so that a failure here never leaves half a call sent.
  const leaders: Broker[] = [];
  for (const list of lists) leaders.push(await client.retry(`leader of ${list[0].topic}-${list[0].partition}`, () => client.leader(list[0].topic, list[0].partition)));
  let lanes = id ? id.lanes : plainLanes.get(client);
  if (!lanes) {
    lanes = new ProduceLanes(client, id);
    if (id) id.lanes = lanes;
    else plainLanes.set(client, lanes);
  }
  const chunks: Chunk[] = [];
  for (let k = 0; k < lists.length; k++) {
    lanes.knowLeader(lists[k][0].topic, lists[k][0].partition, leaders[k]);
    for (const c of lists[k]) chunks.push(c);
  }
  call.left = chunks.length;
  if (!chunks.length) return [];
  lanes.enqueue(chunks);
  queued();
  return done;
}
