/**
 * One producer's batches per partition ("lanes"), kept in order under retries, as Kafka's producer keeps them
 * (Sender, RecordAccumulator and TransactionManager in clients/.../producer/internals):
 *
 * - A batch is made when it is first sent, from the chunks its partition has queued (produce calls of this producer,
 *   in the order they were queued, merged up to the batch size); an idempotent (transactional) producer gives it its
 *   sequence numbers then, and resends it unchanged.
 * - At most MAX_IN_FLIGHT_IDEMPOTENT (5, Kafka's max.in.flight.requests.per.connection limit with idempotence) batches
 *   of a partition are in flight at once, so that a resent batch is still in the broker's 5-batch duplicate window;
 *   one until the broker has acknowledged a first batch of this producer on the partition (a leader without state
 *   for the producer takes any sequence number, so it could append a second batch before a refused first one).
 *   A plain producer has no sequence numbers, so the broker cannot refuse a batch that would overtake a resent one:
 *   it sends one batch per partition at a time (Kafka's max.in.flight.requests.per.connection=1, the setting that
 *   keeps order without idempotence). Records of a partition are appended in the order they were queued either way.
 * - A retriable error stops the partition: the batches sent after the refused one are let come back (the broker
 *   refuses them with OUT_OF_ORDER_SEQUENCE_NUMBER, since their predecessor is missing, and that is retried too), then
 *   they are sent again in order, one at a time until one is accepted, to the leader the metadata names then.
 * - DUPLICATE_SEQUENCE_NUMBER is success (the broker has the batch; it no longer knows its offsets: -1, as Kafka).
 *   OUT_OF_ORDER_SEQUENCE_NUMBER with no earlier batch of the partition unanswered or being resent means the broker
 *   lost this producer's records or state: that fails the batch.
 */
import { createAPI, produceV11, protocolErrorsCodesById, Writer } from '@platformatic/kafka';

import { LogStoreError } from '../log-client/errors.ts';
import type { ProducerRecord, RecordMetadata } from '../log-client/types.ts';
import { encodeBatch } from '../record-format/record-batch.ts';
import { describeError, isRetriable, protocolErrorId, type Broker, type KafkaClient } from './client.ts';

/** A transactional or idempotent producer's identity and its next sequence per partition. */
export interface ProducerIdentity {
  transactionalId: string | null;
  producerId: bigint;
  epoch: number;
  sequences: Map<string, number>;
  /**
   * The previous produce call of this producer has queued its chunks: the next call waits for it before queueing
   * (see produceRecords).
   */
  encoded?: Promise<void>;
  /** This producer's partitions (made by the first produce call). */
  lanes?: ProduceLanes;
}

export const MAX_BATCH_BYTES = 900 * 1024;
export const MAX_IN_FLIGHT_IDEMPOTENT = 5;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const DUPLICATE_SEQUENCE_NUMBER = 46;

/**
 * One produce call: its results in input order, and how many of its chunks are not answered yet. It settles when all
 * are (rejected with its first failure), so that nothing of a failed call is still in flight when the transaction
 * is aborted.
 */
export interface ProduceCall {
  out: RecordMetadata[];
  left: number;
  now: number;
  deadline: number;
  failure: unknown;
  resolve(out: RecordMetadata[]): void;
  reject(e: unknown): void;
}

/** One chunk of the call answered: acknowledged (no error) or failed. */
function answeredChunk(call: ProduceCall, e?: unknown): void {
  if (e !== undefined && call.failure === undefined) call.failure = e;
  if (--call.left > 0) return;
  if (call.failure === undefined) call.resolve(call.out);
  else call.reject(call.failure);
}

/** The records of one call for one partition (at most MAX_BATCH_BYTES by estimate), with their input positions. */
export interface Chunk { topic: string; partition: number; indices: number[]; records: ProducerRecord[]; size: number; call: ProduceCall }

interface Batch { lane: Lane; chunks: Chunk[]; order: number; buffer: Buffer; now: number; deadline: number }

interface Lane {
  topic: string;
  partition: number;
  /** Chunks not in a batch yet, in call order. */
  queue: Chunk[];
  /** Batches refused with a retriable error, to be sent again in order before anything else. */
  retry: Batch[];
  /** Batches sent and not answered, in send order. */
  inflight: Batch[];
  leader: Broker | null;
  resolving: boolean;
  /** A retriable error stopped the partition: nothing new is sent until every batch in flight is answered. */
  recovering: boolean;
  /**
   * The broker has acknowledged a batch of this producer on this partition. Until then one batch at a time: a
   * partition leader with no state for a producer id takes any sequence number (ProducerAppendInfo.checkSequence),
   * so a second batch could be appended before a refused first one, which would then be refused for good.
   */
  known: boolean;
  retryAt: number;
  delay: number;
  nextOrder: number;
  /**
   * An idempotent producer's batch of this partition failed for good: the broker's next sequence stays at it, so
   * every later batch would be refused; they fail with this at once (Kafka's transactional producer goes to an
   * abortable error state alike). The runtime then aborts and makes a new producer (InitProducerId).
   */
  broken: LogStoreError | null;
}

interface PartitionBatch { index: number; batch: Buffer }

/**
 * Produce v11 with record batches we encode ourselves (src/record-format/record-batch.ts: one buffer per partition
 * batch, no object per record), answered with @platformatic/kafka's response parser.
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

type PartitionResponse = produceV11.ProduceResponse['responses'][number]['partitionResponses'][number];

export class ProduceLanes {
  private readonly lanes = new Map<string, Lane>();
  readonly maxInFlight: number;

  constructor(private readonly client: KafkaClient, private readonly id: ProducerIdentity | null) {
    this.maxInFlight = id ? MAX_IN_FLIGHT_IDEMPOTENT : 1;
  }

  lane(topic: string, partition: number): Lane {
    const key = `${topic}:${partition}`;
    let l = this.lanes.get(key);
    if (!l) {
      this.lanes.set(key, (l = {
        topic, partition, queue: [], retry: [], inflight: [], leader: null, resolving: false, recovering: false, known: false,
        retryAt: 0, delay: 50, nextOrder: 0, broken: null,
      }));
    }
    return l;
  }

  /** The leader for a partition about to be queued (the call resolved it), unless the lane is finding one itself. */
  knowLeader(topic: string, partition: number, leader: Broker): void {
    const l = this.lane(topic, partition);
    if (!l.leader && !l.resolving) l.leader = leader;
  }

  /** Queues chunks (of one call, in order per partition) and sends what may be sent. */
  enqueue(chunks: Chunk[]): void {
    for (const c of chunks) {
      const lane = this.lane(c.topic, c.partition);
      if (lane.broken) answeredChunk(c.call, lane.broken);
      else lane.queue.push(c);
    }
    this.pump();
  }

  /** Sends, per leader, requests of one batch per partition (the broker takes one per partition per request). */
  private pump(): void {
    const rounds: Array<Map<string, { broker: Broker; batches: Batch[] }>> = [];
    for (const lane of this.lanes.values()) {
      if (!lane.retry.length && !lane.queue.length) continue;
      if (lane.recovering && lane.inflight.length) continue;
      if (!lane.leader) {
        this.resolveLeader(lane);
        continue;
      }
      const limit = lane.recovering || !lane.known ? 1 : this.maxInFlight;
      const bk = `${lane.leader.host}:${lane.leader.port}`;
      for (let k = 0; lane.inflight.length < limit; k++) {
        const b = lane.retry.shift() ?? this.nextBatch(lane);
        if (!b) break;
        lane.inflight.push(b);
        const round = rounds[k] ?? (rounds[k] = new Map());
        let g = round.get(bk);
        if (!g) round.set(bk, (g = { broker: lane.leader, batches: [] }));
        g.batches.push(b);
      }
    }
    for (const round of rounds) for (const g of round.values()) this.send(g.broker, g.batches);
  }

  /** The lane's queued chunks merged into one batch (at most MAX_BATCH_BYTES), its sequence numbers taken now. */
  private nextBatch(lane: Lane): Batch | undefined {
    const first = lane.queue.shift();
    if (!first) return undefined;
    const chunks = [first];
    let size = first.size;
    let count = first.records.length;
    while (lane.queue.length && size + lane.queue[0].size <= MAX_BATCH_BYTES) {
      const c = lane.queue.shift()!;
      chunks.push(c);
      size += c.size;
      count += c.records.length;
    }
    const records = chunks.length === 1 ? first.records : chunks.flatMap((c) => c.records);
    const id = this.id;
    let baseSequence = -1;
    if (id) {
      const key = `${lane.topic}:${lane.partition}`;
      baseSequence = id.sequences.get(key) ?? 0;
      id.sequences.set(key, (baseSequence + count) % 0x80000000);
    }
    const now = first.call.now;
    const buffer = encodeBatch(records, 0, now, id
      ? { producerId: Number(id.producerId), producerEpoch: id.epoch, baseSequence, transactional: id.transactionalId !== null }
      : {});
    return { lane, chunks, order: lane.nextOrder++, buffer, now, deadline: Math.min(...chunks.map((c) => c.call.deadline)) };
  }

  private send(broker: Broker, batches: Batch[]): void {
    const topics = new Map<string, PartitionBatch[]>();
    for (const b of batches) (topics.get(b.lane.topic) ?? topics.set(b.lane.topic, []).get(b.lane.topic)!).push({ index: b.lane.partition, batch: b.buffer });
    const payload = [...topics].map(([name, partitions]) => ({ name, partitions }));
    this.client.connection(broker)
      .then((c) => produceRequest.async(c, this.id?.transactionalId ?? null, -1, 30_000, payload))
      .then((res) => this.answered(batches, res, null), (e: unknown) => this.answered(batches, (e as { response?: produceV11.ProduceResponse }).response ?? null, e))
      .catch((e: unknown) => { for (const b of batches) this.fail(b, e); });
  }

  private answered(batches: Batch[], res: produceV11.ProduceResponse | null, err: unknown): void {
    const byPartition = new Map<string, PartitionResponse>();
    for (const t of res?.responses ?? []) for (const p of t.partitionResponses) byPartition.set(`${t.name}:${p.index}`, p);
    const forgotten = new Set<string>();
    for (const b of batches) {
      const lane = b.lane;
      lane.inflight.splice(lane.inflight.indexOf(b), 1);
      const p = byPartition.get(`${lane.topic}:${lane.partition}`);
      if (p && (p.errorCode === 0 || p.errorCode === DUPLICATE_SEQUENCE_NUMBER)) {
        this.acknowledged(b, p);
        continue;
      }
      if (lane.broken) {
        this.fail(b, lane.broken);
        continue;
      }
      const cause: unknown = p ? { apiId: protocolErrorsCodesById[p.errorCode] ?? `error code ${p.errorCode}` } : err;
      const failure = this.refusal(b, err ?? cause, cause, p?.errorCode === OUT_OF_ORDER_SEQUENCE_NUMBER);
      if (failure) {
        this.fail(b, failure);
        continue;
      }
      lane.recovering = true;
      let at = lane.retry.length;
      while (at > 0 && lane.retry[at - 1].order > b.order) at--;
      lane.retry.splice(at, 0, b);
      lane.retryAt = Date.now() + lane.delay;
      lane.delay = Math.min(lane.delay * 2, 1000);
      // the partition's leader again from fresh metadata (a leader that moved, or a new topic's partition whose
      // leader was not elected yet)
      if (!forgotten.has(lane.topic)) {
        forgotten.add(lane.topic);
        this.client.forgetTopic(lane.topic);
      }
      lane.leader = null;
    }
    this.pump();
  }

  /** Why a refused batch fails for good, or null when it is to be sent again. */
  private refusal(b: Batch, err: unknown, cause: unknown, outOfOrder: boolean): LogStoreError | null {
    const lane = b.lane;
    const where = `${lane.topic}-${lane.partition}`;
    const as = this.id?.transactionalId ? ` as '${this.id.transactionalId}'` : '';
    const refused = this.client.explain(err, `produce to ${where}${as}`);
    if (refused) return Object.assign(new LogStoreError('NOT_AUTHORIZED', refused), { apiId: protocolErrorId(err) ?? undefined });
    const id = protocolErrorId(cause);
    if (id === 'PRODUCER_FENCED' || id === 'INVALID_PRODUCER_EPOCH') {
      return new LogStoreError('FENCED', `produce to ${where}: transactional producer '${this.id?.transactionalId}' was fenced (${describeError(err)}): another instance with the same transactional.id took over`);
    }
    const late = Date.now() > b.deadline;
    const afterRetried = outOfOrder && [...lane.retry, ...lane.inflight].some((x) => x.order < b.order);
    if (outOfOrder && !afterRetried && !late) {
      return new LogStoreError('REMOTE', `produce to ${where}${as} on Kafka at ${this.client.where}: the broker refused the batch with OUT_OF_ORDER_SEQUENCE_NUMBER ` +
        `while no earlier batch of this partition is unanswered or being resent: the broker lost records or this producer's state ` +
        `(producer id ${this.id?.producerId}, epoch ${this.id?.epoch}). Abort the transaction and create the producer again (InitProducerId).`);
    }
    if ((!afterRetried && !isRetriable(cause)) || late) {
      return new LogStoreError('REMOTE', `produce to ${where}${as} on Kafka at ${this.client.where} failed: ${describeError(err ?? cause)}${late ? ' (retried until kafka retryForMs ran out)' : ''}`);
    }
    return null;
  }

  private acknowledged(b: Batch, p: PartitionResponse): void {
    const lane = b.lane;
    const base = Number(p.baseOffset);
    const appendTime = Number(p.logAppendTimeMs);
    let j = base;
    for (const c of b.chunks) {
      const out = c.call.out;
      for (let i = 0; i < c.indices.length; i++) {
        out[c.indices[i]] = { topic: c.topic, partition: c.partition, offset: base >= 0 ? j++ : -1, timestamp: appendTime >= 0 ? appendTime : (c.records[i].timestamp ?? b.now) };
      }
      answeredChunk(c.call);
    }
    lane.delay = 50;
    lane.known = true;
    if (!lane.retry.length) lane.recovering = false;
  }

  private fail(b: Batch, e: unknown): void {
    for (const c of b.chunks) answeredChunk(c.call, e);
    const lane = b.lane;
    if (!this.id || lane.broken) return;
    const first = e instanceof LogStoreError ? e : null;
    lane.broken = Object.assign(new LogStoreError(first?.code ?? 'REMOTE', `produce to ${lane.topic}-${lane.partition} as '${this.id.transactionalId}': an earlier ` +
      `batch of this partition failed, so the broker would refuse the later ones as out of order; abort the transaction and create the producer again. ` +
      `The failure: ${first?.message ?? describeError(e)}`), { apiId: (e as { apiId?: string } | null)?.apiId });
    for (const x of lane.retry.splice(0)) this.fail(x, lane.broken);
    for (const c of lane.queue.splice(0)) answeredChunk(c.call, lane.broken);
    lane.recovering = false;
  }

  /** Finds the lane's leader after its back-off; a partition without one fails what it has queued. */
  private resolveLeader(lane: Lane): void {
    if (lane.resolving) return;
    lane.resolving = true;
    const where = `${lane.topic}-${lane.partition}`;
    setTimeout(() => {
      this.client.retry(`leader of ${where}`, () => this.client.leader(lane.topic, lane.partition)).then((leader) => {
        lane.leader = leader;
        lane.resolving = false;
        this.pump();
      }, (e: unknown) => {
        lane.resolving = false;
        for (const b of lane.retry.splice(0)) this.fail(b, e);
        for (const c of lane.queue.splice(0)) answeredChunk(c.call, e);
        if (!lane.inflight.length) lane.recovering = false;
      });
    }, Math.max(0, lane.retryAt - Date.now()));
  }
}
