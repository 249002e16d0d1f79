/**
 * Per-partition order of one producer's records on a real broker, sent right after the topic is created: the
 * partitions' leaders are still being elected, so the first batches are refused (NOT_LEADER_OR_FOLLOWER) and resent
 * while later batches of the same partition are on their way. A leader with no state for a producer id takes any
 * sequence number, so before produce-lanes.ts a later batch could be appended first and the refused one then failed
 * for good with OUT_OF_ORDER_SEQUENCE_NUMBER (3 runs in 4 of this load, transactional). kcat reads the result.
 */
import { describe, expect, inject, it } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import { kcatConsume } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const KEYS = 50;
const ROUNDS = 5;
const PER_ROUND = 2000;

describe.each(['transactional', 'plain'] as const)('records of one %s producer sent to a topic just created', (kind) => {
  it('are appended in send order per key, each once (kcat, read_committed)', async () => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    const topic = `produce-order-${kind}-${Date.now()}`;
    try {
      await log.admin.createTopic(topic, { partitions: 4 });
      const producer = kind === 'transactional' ? log.producer({ transactionalId: `${topic}-txn` }) : log.producer();
      const next = new Array<number>(KEYS).fill(0);
      for (let round = 0; round < ROUNDS; round++) {
        if (kind === 'transactional') producer.beginTransaction();
        const sends: Array<Promise<unknown>> = [];
        for (let i = 0; i < PER_ROUND; i++) {
          const k = i % KEYS;
          sends.push(producer.send({ topic, key: `k${k}`, value: String(next[k]++) }));
          // sends leave in many produce calls, several in flight per partition
          if (i % 200 === 199) await new Promise((r) => setImmediate(r));
        }
        await Promise.all(sends);
        if (kind === 'transactional') await producer.commitTransaction();
      }
      await producer.close();
      const perKey = new Map<string, number[]>();
      for (const r of kcatConsume(bootstrap, topic)) (perKey.get(r.key!) ?? perKey.set(r.key!, []).get(r.key!)!).push(Number(r.value));
      const expected = Array.from({ length: (ROUNDS * PER_ROUND) / KEYS }, (_, i) => i);
      expect(perKey.size).toBe(KEYS);
      for (const [key, values] of perKey) expect(values, key).toEqual(expected);
    } finally {
      await log.admin.deleteTopic(topic).catch(() => undefined);
      await log.close();
    }
  }, 60_000);
});
