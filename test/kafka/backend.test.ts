/** The Kafka backend under LogClient's admin, producer and consumer, checked with kcat. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import type { LogClient } from '../../src/log-store/index.ts';
import { kcatConsume, kcatProduce } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const run = `t${Date.now().toString(36)}`;
const str = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('Kafka backend', () => {
  let log: LogClient;
  beforeAll(async () => { log = await openKafkaLog({ bootstrapServers: bootstrap }); });
  afterAll(async () => { await log?.close(); });

  it('creates, describes and lists topics with their configs', async () => {
    await log.admin.createTopic(`${run}-a`, { partitions: 3, cleanupPolicy: 'compact' });
    const d = await log.admin.describeTopic(`${run}-a`);
    expect(d.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(d.config.cleanupPolicy).toBe('compact');
    expect(await log.admin.listTopics()).toContain(`${run}-a`);
    await expect(log.admin.createTopic(`${run}-a`, { partitions: 1 })).rejects.toThrow(/already exists/);
    await expect(log.admin.describeTopic(`${run}-missing`)).rejects.toThrow(/does not exist/);
  });

  it('sends batches that kcat reads back, keys partitioned as Kafka does', async () => {
    const topic = `${run}-b`;
    await log.admin.createTopic(topic, { partitions: 3 });
    const p = log.producer();
    const metas = await p.sendBatch(Array.from({ length: 1000 }, (_, i) => ({ topic, key: `k${i % 37}`, value: `v${i}` })));
    expect(metas).toHaveLength(1000);
    const read = kcatConsume(bootstrap, topic, 'read_uncommitted');
    expect(read).toHaveLength(1000);
    // kcat's murmur2 partitioner and ours agree: kcat-produced keys land where ours did
    kcatProduce(bootstrap, topic, [['k5', 'from-kcat']]);
    const k5 = kcatConsume(bootstrap, topic, 'read_uncommitted').filter((r) => r.key === 'k5');
    expect(new Set(k5.map((r) => r.partition)).size).toBe(1);
    const c = log.consumer({ groupId: `${run}-g`, autoOffsetReset: 'earliest' });
    c.assign([0, 1, 2].map((partition) => ({ topic, partition })));
    const got: string[] = [];
    for (let i = 0; i < 20 && got.length < 1001; i++) got.push(...(await c.poll({ timeoutMs: 200 })).map((r) => str(r.value)!));
    expect(got.sort()).toEqual([...Array.from({ length: 1000 }, (_, i) => `v${i}`), 'from-kcat'].sort());
    await c.commit();
    expect(await c.committed({ topic, partition: 0 })).toBe(read.filter((r) => r.partition === 0).length + (k5.find((r) => r.value === 'from-kcat')!.partition === 0 ? 1 : 0));
    await c.close();
  });

  it('deleteRecords moves the start offsets (repartition purge)', async () => {
    const topic = `${run}-d`;
    await log.admin.createTopic(topic, { partitions: 2 });
    await log.producer().sendBatch(Array.from({ length: 20 }, (_, i) => ({ topic, partition: i % 2, value: `v${i}` })));
    expect(await log.admin.deleteRecords([{ topic, partition: 0, offset: 4 }, { topic, partition: 1, offset: 7 }])).toBe(2);
    const d = await log.admin.describeTopic(topic);
    expect(d.partitions.map((p) => [p.startOffset, p.endOffset])).toEqual([[4, 10], [7, 10]]);
    expect(kcatConsume(bootstrap, topic).length).toBe(9);
  });

  it('reads batches another producer compressed (gzip)', async () => {
    const topic = `${run}-z`;
    await log.admin.createTopic(topic, { partitions: 1 });
    kcatProduce(bootstrap, topic, Array.from({ length: 50 }, (_, i) => [`k${i}`, `compressed-${i}`] as [string, string]), 'gzip');
    const r = await log.read({ topic, partition: 0 }, 10, 1000);
    expect(r.records.map((x) => `${x.offset}:${str(x.key)}=${str(x.value)}`)).toEqual(Array.from({ length: 40 }, (_, i) => `${i + 10}:k${i + 10}=compressed-${i + 10}`));
    expect(r.next).toBe(50);
  });

  it('transactions: committed records are visible to kcat read_committed, aborted ones never', async () => {
    const topic = `${run}-t`;
    await log.admin.createTopic(topic, { partitions: 2 });
    const p = log.producer({ transactionalId: `${run}-txn` });
    p.beginTransaction();
    await p.sendBatch([0, 1, 2, 3].map((i) => ({ topic, partition: i % 2, key: `a${i}`, value: 'committed' })));
    await p.sendOffsetsToTransaction([{ topic, partition: 0, offset: 7 }], `${run}-txg`);
    await p.commitTransaction();
    p.beginTransaction();
    await p.sendBatch([0, 1].map((i) => ({ topic, partition: i, key: `b${i}`, value: 'aborted' })));
    await p.abortTransaction();
    p.beginTransaction();
    await p.sendBatch([{ topic, partition: 1, key: 'c', value: 'committed' }]);
    await p.commitTransaction();
    const committed = kcatConsume(bootstrap, topic, 'read_committed');
    expect(committed.map((r) => r.value)).toEqual(Array(5).fill('committed'));
    expect(kcatConsume(bootstrap, topic, 'read_uncommitted').filter((r) => r.value === 'aborted')).toHaveLength(2);
    // our read_committed reader skips the aborted batches and the markers too
    const ours = await log.read({ topic, partition: 1 }, 0, 100, { isolation: 'read_committed' });
    expect(ours.records.map((r) => `${str(r.key)}=${str(r.value)}`)).toEqual(['a1=committed', 'a3=committed', 'c=committed']);
    expect(ours.next).toBe((await log.offsets({ topic, partition: 1 })).end);
    const c = log.consumer({ groupId: `${run}-txg` });
    expect(await c.committed({ topic, partition: 0 })).toBe(7);
    await c.close();
  });

  it('a second client with the same transactional id fences the first (the broker refuses the zombie)', async () => {
    const topic = `${run}-f`;
    await log.admin.createTopic(topic, { partitions: 1 });
    const a = log.producer({ transactionalId: `${run}-fence` });
    a.beginTransaction();
    await a.sendBatch([{ topic, partition: 0, value: 'zombie' }]);
    const other = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      const b = other.producer({ transactionalId: `${run}-fence` });
      b.beginTransaction();
      await b.sendBatch([{ topic, partition: 0, value: 'new' }]);
      await b.commitTransaction();
      await expect(a.sendBatch([{ topic, partition: 0, value: 'zombie-2' }])).rejects.toThrow(/fenced/);
      await expect(a.commitTransaction()).rejects.toThrow(/fenced/);
    } finally {
      await other.close();
    }
    expect(kcatConsume(bootstrap, topic).map((r) => r.value)).toEqual(['new']);
  });
});
