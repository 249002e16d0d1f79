/**
 * produceRecords (src/kafka/records.ts, src/kafka/produce-lanes.ts) under retries: a batch refused with a retriable
 * error must not be appended after a later batch of the same partition (one call's next chunk, or a later call of
 * the same producer), a resent batch the broker already has is success, and at most 5 batches of a partition are in
 * flight (1 for a plain producer). The cluster is fake (fake-cluster.ts) and appends as a Kafka leader does.
 */
import { describe, expect, it } from 'vitest';
import { Partitioner, produceRecords, type ProducerIdentity } from '../../src/kafka/records.ts';
import type { ProducerRecord } from '../../src/log-client/types.ts';
import { FakeCluster } from './fake-cluster.ts';

const NOT_LEADER = 6;
const OUT_OF_ORDER = 45;

/** A record of its own chunk (its size estimate is above half the batch limit, so no two share a batch). */
const big = (name: string): ProducerRecord => ({ topic: 't', partition: 0, key: 'k', value: `${name}:${'x'.repeat(320_000)}` });
const small = (name: string): ProducerRecord => ({ topic: 't', partition: 0, key: 'k', value: name });

type Kind = 'plain' | 'transactional';
const identity = (kind: Kind, producerId = 7n): ProducerIdentity | null =>
  kind === 'plain' ? null : { transactionalId: 'app-1', producerId, epoch: 0, sequences: new Map() };

describe.each<Kind>(['plain', 'transactional'])('produceRecords retries keep partition order (%s producer)', (kind) => {
  it('a NOT_LEADER on chunk 1 while chunk 2 of the same partition is accepted ends with the offsets in order', async () => {
    const cluster = new FakeCluster();
    // chunk 1's first send is refused (its broker was briefly not the leader); chunk 2 reaches the leader
    cluster.verdict = (b) => (b.values[0] === 'r1' && b.attempt === 0 ? NOT_LEADER : 'append');
    const client = cluster.client();
    const partitioner = new Partitioner();
    const id = identity(kind);
    // a first call: the partition's leader knows this producer from then on
    expect((await produceRecords(client, partitioner, [small('r0')], id))[0].offset).toBe(0);
    const metas = await produceRecords(client, partitioner, [big('r1'), big('r2'), big('r3')], id);
    expect(cluster.log()).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(metas.map((m) => m.offset)).toEqual([1, 2, 3]);
    const wire = cluster.sent.map((b) => `${b.values[0]}#${b.attempt}`);
    // transactional: chunks 2 and 3 were in flight with chunk 1, refused as out of order and sent again after it;
    // plain: nothing else of the partition was sent while chunk 1 was unanswered
    expect(wire).toEqual(kind === 'plain'
      ? ['r0#0', 'r1#0', 'r1#1', 'r2#0', 'r3#0']
      : ['r0#0', 'r1#0', 'r2#0', 'r3#0', 'r1#1', 'r2#1', 'r3#1']);
  });

  it('a producer\'s first batch on a partition is refused: the next ones were not sent (a leader without state for the producer takes any sequence)', async () => {
    const cluster = new FakeCluster();
    cluster.verdict = (b) => (b.values[0] === 'r1' && b.attempt === 0 ? NOT_LEADER : 'append');
    const metas = await produceRecords(cluster.client(), new Partitioner(), [big('r1'), big('r2'), big('r3')], identity(kind));
    expect(cluster.log()).toEqual(['r1', 'r2', 'r3']);
    expect(metas.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(cluster.sent.map((b) => `${b.values[0]}#${b.attempt}`)).toEqual(['r1#0', 'r1#1', 'r2#0', 'r3#0']);
  });

  it('a batch refused by a broker that lost the leadership goes to the new leader, in order', async () => {
    const cluster = new FakeCluster();
    cluster.verdict = (b) => {
      if (b.values[0] === 'r1' && b.attempt === 0) cluster.leaders.set('t:0', 2);
      return 'append';
    };
    const metas = await produceRecords(cluster.client(), new Partitioner(), [big('r1'), big('r2'), big('r3')], identity(kind));
    expect(cluster.log()).toEqual(['r1', 'r2', 'r3']);
    expect(metas.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(cluster.sent.filter((b) => b.attempt > 0).every((b) => b.broker === 2)).toBe(true);
  });

  it('a retried batch of one call is not overtaken by a later call of the same producer', async () => {
    const cluster = new FakeCluster();
    cluster.verdict = (b) => (b.values.includes('a1') && b.attempt < 2 ? NOT_LEADER : 'append');
    const client = cluster.client();
    const partitioner = new Partitioner();
    const id = identity(kind);
    const first = produceRecords(client, partitioner, [small('a1'), small('a2')], id, id ? async () => undefined : undefined);
    const second = produceRecords(client, partitioner, [small('b1')], id, id ? async () => undefined : undefined);
    const third = produceRecords(client, partitioner, [small('c1'), small('c2')], id, id ? async () => undefined : undefined);
    const [a, b, c] = await Promise.all([first, second, third]);
    expect(cluster.log()).toEqual(['a1', 'a2', 'b1', 'c1', 'c2']);
    expect([...a, ...b, ...c].map((m) => m.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it(`keeps at most ${kind === 'plain' ? 1 : 5} batches of a partition in flight, and their order`, async () => {
    const cluster = new FakeCluster();
    cluster.delayMs = 5;
    const client = cluster.client();
    const partitioner = new Partitioner();
    const id = identity(kind);
    const calls = Array.from({ length: 12 }, (_, i) => produceRecords(client, partitioner, [big(`c${i}`)], id));
    const metas = await Promise.all(calls);
    expect(cluster.maxInFlight).toBe(kind === 'plain' ? 1 : 5);
    expect(cluster.log()).toEqual(Array.from({ length: 12 }, (_, i) => `c${i}`));
    expect(metas.map((m) => m[0].offset)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});

describe('produceRecords: an idempotent producer and the broker\'s sequence checks', () => {
  it('DUPLICATE_SEQUENCE_NUMBER for a resent batch the broker already appended is success, without offsets', async () => {
    const cluster = new FakeCluster();
    cluster.duplicates = 'error';
    // the first send is appended but its answer is lost (a closed connection): the resend is a duplicate
    cluster.verdict = (b) => (b.values[0] === 'd1' && b.attempt === 0 ? 'lose' : 'append');
    const metas = await produceRecords(cluster.client(), new Partitioner(), [small('d1'), small('d2')], identity('transactional'));
    expect(cluster.log()).toEqual(['d1', 'd2']);
    expect(metas.map((m) => m.offset)).toEqual([-1, -1]);
    expect(cluster.sent.map((b) => b.values)).toEqual([['d1', 'd2'], ['d1', 'd2']]);
  });

  it('a resent batch within the broker\'s duplicate window gets its first offsets back', async () => {
    const cluster = new FakeCluster();
    cluster.verdict = (b) => (b.values[0] === 'd1' && b.attempt === 0 ? 'lose' : 'append');
    const metas = await produceRecords(cluster.client(), new Partitioner(), [big('d1'), big('d2'), big('d3')], identity('transactional'));
    expect(cluster.log()).toEqual(['d1', 'd2', 'd3']);
    expect(metas.map((m) => m.offset)).toEqual([0, 1, 2]);
  });

  it('OUT_OF_ORDER_SEQUENCE_NUMBER with no earlier batch unanswered or resent fails the call with a clear error', async () => {
    const cluster = new FakeCluster();
    cluster.verdict = (b) => (b.values[0] === 'o2' ? OUT_OF_ORDER : 'append');
    const client = cluster.client();
    const partitioner = new Partitioner();
    const id = identity('transactional');
    expect((await produceRecords(client, partitioner, [small('o1')], id))[0].offset).toBe(0);
    await expect(produceRecords(client, partitioner, [small('o2')], id)).rejects.toThrow(
      /produce to t-0 as 'app-1'.*OUT_OF_ORDER_SEQUENCE_NUMBER while no earlier batch of this partition is unanswered or being resent/);
    expect(cluster.sent.filter((b) => b.values[0] === 'o2')).toHaveLength(1);
  });

  it('a batch refused for good fails its call, and the calls queued on other partitions still succeed', async () => {
    const cluster = new FakeCluster(2);
    cluster.verdict = (b) => (b.values[0] === 'bad' ? 87 : 'append');
    const client = cluster.client();
    const partitioner = new Partitioner();
    const failed = produceRecords(client, partitioner, [{ ...small('bad'), partition: 1 }], null);
    const ok = produceRecords(client, partitioner, [small('good')], null);
    await expect(failed).rejects.toThrow(/produce to t-1 on Kafka at fake:9092 failed: INVALID_RECORD/);
    expect((await ok)[0].offset).toBe(0);
  });

  it('a failed call settles only when its other partitions are answered too (nothing of it in flight at an abort)', async () => {
    const cluster = new FakeCluster(2);
    // partition 1 is refused for good at once; partition 0 is refused once (retriable) and appended on the resend
    cluster.verdict = (b) => (b.partition === 1 ? 87 : b.attempt === 0 ? NOT_LEADER : 'append');
    const call = produceRecords(cluster.client(), new Partitioner(), [{ ...small('p1'), partition: 1 }, small('p0')], identity('transactional'));
    await expect(call).rejects.toThrow(/produce to t-1 as 'app-1' on Kafka at fake:9092 failed: INVALID_RECORD/);
    expect(cluster.log('t', 0)).toEqual(['p0']);
    expect(cluster.sent.map((b) => `${b.values[0]}#${b.attempt}`)).toEqual(['p1#0', 'p0#0', 'p0#1']);
  });

  it('after a batch fails for good, the partition\'s later batches fail at once, naming the first failure', async () => {
    const cluster = new FakeCluster();
    cluster.delayMs = 10;
    cluster.verdict = (b) => (b.values[0] === 'x1' ? 87 : 'append');
    const client = cluster.client();
    const partitioner = new Partitioner();
    const id = identity('transactional');
    await produceRecords(client, partitioner, [small('x0')], id);
    const first = produceRecords(client, partitioner, [small('x1')], id);
    const second = produceRecords(client, partitioner, [small('x2')], id); // in flight with x1: refused as out of order
    await expect(first).rejects.toThrow(/produce to t-0 as 'app-1' on Kafka at fake:9092 failed: INVALID_RECORD/);
    await expect(second).rejects.toThrow(/an earlier batch of this partition failed.*The failure: produce to t-0 .*INVALID_RECORD/);
    await expect(produceRecords(client, partitioner, [small('x3')], id)).rejects.toThrow(/an earlier batch of this partition failed/);
    expect(cluster.sent.map((b) => b.values[0])).toEqual(['x0', 'x1', 'x2']);
    expect(cluster.log()).toEqual(['x0']);
  });
});
