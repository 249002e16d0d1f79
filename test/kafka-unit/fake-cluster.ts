/**
 * A fake Kafka cluster for produceRecords (src/kafka/records.ts): brokers whose connections decode the Produce v11
 * requests the producer writes, and one shared log per partition that appends as a Kafka leader does: a broker that
 * is not the partition's leader answers NOT_LEADER_OR_FOLLOWER; batches with a producer id are checked against the
 * producer's next sequence (OUT_OF_ORDER_SEQUENCE_NUMBER for a gap, a resent batch among the last 5 answered with
 * its first offsets, or DUPLICATE_SEQUENCE_NUMBER when `duplicates` is 'error'), except the first batch of a producer
 * the partition has no state for, which is taken with any sequence (Kafka's ProducerAppendInfo.checkSequence); a plain
 * batch is appended as it comes.
 * `verdict` lets a test refuse a batch (an error code) or append it and lose the answer ('lose': a network error).
 */
import type { KafkaClient } from '../../src/kafka/client.ts';
import { readHeader, decodeRecords } from '../../src/record-format/record-batch.ts';

export interface SentBatch {
  broker: number;
  topic: string;
  partition: number;
  producerId: number;
  baseSequence: number;
  /** The records' values (the part before the first ':'). */
  values: string[];
  /** How many times a batch with these values was sent before. */
  attempt: number;
}

export type Verdict = 'append' | 'lose' | number;

const NAMES: Record<number, string> = {
  6: 'NOT_LEADER_OR_FOLLOWER', 45: 'OUT_OF_ORDER_SEQUENCE_NUMBER', 46: 'DUPLICATE_SEQUENCE_NUMBER', 87: 'INVALID_RECORD',
};

interface ProducerState { next: number; recent: Array<{ first: number; baseOffset: number }> }

export class FakeCluster {
  /** The values appended per partition ("topic:partition"), in log order. */
  readonly logs = new Map<string, string[]>();
  /** The leader (broker node id) per partition; 1 unless a test moves it. */
  readonly leaders = new Map<string, number>();
  /** Every batch written, in the order the brokers received them. */
  readonly sent: SentBatch[] = [];
  /** The most batches of one partition that were in flight (written, not answered) at once. */
  maxInFlight = 0;
  duplicates: 'offset' | 'error' = 'offset';
  verdict: (b: SentBatch) => Verdict = () => 'append';
  /** How long a broker takes to answer, in ms. */
  delayMs = 2;
  private readonly inFlight = new Map<string, number>();
  private readonly producers = new Map<string, ProducerState>();
  private readonly attempts = new Map<string, number>();

  constructor(readonly partitions = 1) {}

  log(topic = 't', partition = 0): string[] {
    return this.logs.get(`${topic}:${partition}`) ?? [];
  }

  client(retryForMs = 5000): KafkaClient {
    const broker = (nodeId: number) => ({ nodeId, host: `broker${nodeId}`, port: 9092 });
    const connections = new Map<number, unknown>();
    const client = {
      where: 'fake:9092',
      opts: { retryForMs },
      requireTopic: async () => ({ leaders: Array.from({ length: this.partitions }, () => 1) }),
      leader: async (topic: string, partition: number) => broker(this.leaders.get(`${topic}:${partition}`) ?? 1),
      retry: <T>(_what: string, f: () => Promise<T>) => f(),
      forgetTopic: () => undefined,
      explain: () => null,
      connection: async (b: { nodeId: number }) => {
        let c = connections.get(b.nodeId);
        if (!c) connections.set(b.nodeId, (c = this.connection(b.nodeId)));
        return c;
      },
    };
    return client as unknown as KafkaClient;
  }

  private connection(nodeId: number): unknown {
    return {
      send: (_key: number, _version: number, create: () => { buffer: Buffer }, _parse: unknown, _h1: boolean, _h2: boolean,
        cb: (e: unknown, r: unknown) => void): void => {
        const batches = this.decode(nodeId, create().buffer);
        for (const b of batches) {
          const k = `${b.topic}:${b.partition}`;
          const n = (this.inFlight.get(k) ?? 0) + 1;
          this.inFlight.set(k, n);
          this.maxInFlight = Math.max(this.maxInFlight, n);
        }
        // appended on arrival, in the order requests arrive on this connection (as the broker does)
        const answers = batches.map((b) => this.append(b));
        setTimeout(() => {
          for (const b of batches) this.inFlight.set(`${b.topic}:${b.partition}`, this.inFlight.get(`${b.topic}:${b.partition}`)! - 1);
          if (answers.some((a) => a === 'lose')) {
            cb(Object.assign(new Error('Connection closed'), { code: 'PLT_KFK_NETWORK' }), undefined);
            return;
          }
          const responses = new Map<string, Array<{ index: number; errorCode: number; baseOffset: bigint; logAppendTimeMs: bigint }>>();
          const errors: unknown[] = [];
          batches.forEach((b, i) => {
            const a = answers[i] as { errorCode: number; baseOffset: number };
            (responses.get(b.topic) ?? responses.set(b.topic, []).get(b.topic)!).push({ index: b.partition, errorCode: a.errorCode, baseOffset: BigInt(a.baseOffset), logAppendTimeMs: -1n });
            if (a.errorCode) errors.push(Object.assign(new Error(NAMES[a.errorCode] ?? `error ${a.errorCode}`), { apiId: NAMES[a.errorCode] ?? `error ${a.errorCode}`, path: `/responses/0/partitionResponses/${i}` }));
          });
          const response = { responses: [...responses].map(([name, partitionResponses]) => ({ name, partitionResponses })) };
          if (errors.length) cb(Object.assign(new Error('Received response with error while executing API'), { code: 'PLT_KFK_RESPONSE', errors, response }), undefined);
          else cb(null, response);
        }, this.delayMs);
      },
    };
  }

  private append(b: SentBatch): 'lose' | { errorCode: number; baseOffset: number } {
    const v = this.verdict(b);
    if (typeof v === 'number') return { errorCode: v, baseOffset: -1 };
    const k = `${b.topic}:${b.partition}`;
    if ((this.leaders.get(k) ?? 1) !== b.broker) return { errorCode: 6, baseOffset: -1 };
    const log = this.logs.get(k) ?? this.logs.set(k, []).get(k)!;
    let answer = { errorCode: 0, baseOffset: log.length };
    if (b.producerId >= 0) {
      const pk = `${k}:${b.producerId}`;
      const s = this.producers.get(pk) ?? this.producers.set(pk, { next: b.baseSequence, recent: [] }).get(pk)!;
      const dup = s.recent.find((r) => r.first === b.baseSequence);
      if (dup) answer = this.duplicates === 'error' ? { errorCode: 46, baseOffset: -1 } : { errorCode: 0, baseOffset: dup.baseOffset };
      else if (b.baseSequence !== s.next) answer = { errorCode: 45, baseOffset: -1 };
      else {
        log.push(...b.values);
        s.next = b.baseSequence + b.values.length;
        s.recent.push({ first: b.baseSequence, baseOffset: answer.baseOffset });
        if (s.recent.length > 5) s.recent.shift();
      }
    } else {
      log.push(...b.values);
    }
    return v === 'lose' ? 'lose' : answer;
  }

  /** The batches of a Produce v11 request body (compact strings and arrays, tagged fields after each element). */
  private decode(nodeId: number, buf: Buffer): SentBatch[] {
    let p = 0;
    const uvarint = (): number => {
      let v = 0;
      let shift = 0;
      for (;;) {
        const byte = buf[p++];
        v |= (byte & 0x7f) << shift;
        if (byte < 0x80) return v;
        shift += 7;
      }
    };
    const str = (): string | null => {
      const n = uvarint() - 1;
      if (n < 0) return null;
      const s = buf.toString('utf8', p, p + n);
      p += n;
      return s;
    };
    str(); // transactional id
    p += 6; // acks, timeout
    const out: SentBatch[] = [];
    for (let t = uvarint() - 1; t > 0; t--) {
      const topic = str()!;
      for (let n = uvarint() - 1; n > 0; n--) {
        const partition = buf.readInt32BE(p);
        p += 4;
        const len = uvarint() - 1;
        const batch = buf.subarray(p, p + len);
        p += len;
        uvarint(); // tagged fields
        const h = readHeader(batch, 0);
        const values: string[] = [];
        decodeRecords(batch, 0, h, (r) => values.push(Buffer.from(r.value ?? new Uint8Array()).toString('utf8').split(':')[0]));
        const ak = `${topic}:${partition}:${values.join(',')}`;
        const attempt = this.attempts.get(ak) ?? 0;
        this.attempts.set(ak, attempt + 1);
        out.push({ broker: nodeId, topic, partition, producerId: h.producerId, baseSequence: h.baseSequence, values, attempt });
      }
      uvarint(); // tagged fields
    }
    for (const b of out) this.sent.push(b);
    return out;
  }
}
