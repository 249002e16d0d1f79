import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/log-store/index.ts';
import { text, tmpDir } from './helpers.ts';

const open: LogStore[] = [];
async function openLog(dir = tmpDir(), opts = {}): Promise<LogStore> {
  const l = await LogStore.open(dir, { maintenanceIntervalMs: 0, ...opts });
  open.push(l);
  return l;
}
afterEach(async () => { for (const l of open.splice(0)) await l.close(); });

describe('LogStore', () => {
  it('sends and polls with keys routed by murmur2, headers and timestamps', async () => {
    const log = await openLog();
    await log.admin.createTopic('orders', { partitions: 4 });
    const p = log.producer();
    const m = await p.send({ topic: 'orders', key: 'foobar', value: 'v1', timestamp: 1234, headers: { h: 'x' } });
    expect(m).toMatchObject({ partition: (-790332482 & 0x7fffffff) % 4, offset: 0 });
    const ms = await p.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic: 'orders', key: 'foobar', value: `v${i + 2}` })));
    expect(ms.map((x) => x.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const c = log.consumer({ groupId: 'g', autoOffsetReset: 'earliest' });
    c.subscribe(['orders']);
    const rs = await c.poll({ timeoutMs: 100 });
    expect(rs).toHaveLength(11);
    expect(rs[0]).toMatchObject({ topic: 'orders', partition: m.partition, offset: 0, timestamp: 1234 });
    expect(text(rs[0].key)).toBe('foobar');
    expect(text(rs[0].value)).toBe('v1');
    expect(text(rs[0].headers.h)).toBe('x');
    await c.commit();
    expect(await log.admin.groupLag('g')).toContainEqual({ topic: 'orders', partition: m.partition, committedOffset: 11, endOffset: 11, lag: 0 });
    expect(await log.admin.listGroups()).toEqual(['g']);
  });

  it('spreads null keys over partitions and respects maxRecords', async () => {
    const log = await openLog();
    await log.admin.createTopic('t', { partitions: 3 });
    const p = log.producer();
    for (let i = 0; i < 6; i++) await p.send({ topic: 't', key: null, value: String(i) });
    const d = await log.admin.describeTopic('t');
    expect(d.partitions.filter((x) => x.endOffset > 0).length).toBeGreaterThan(1);
    const c = log.consumer({ autoOffsetReset: 'earliest' });
    c.subscribe(/^t$/);
    expect(await c.poll({ timeoutMs: 100, maxRecords: 4 })).toHaveLength(4);
    expect(await c.poll({ timeoutMs: 100 })).toHaveLength(2);
  });

  it('waits for data without polling and wakes on append', async () => {
    const log = await openLog();
    await log.admin.createTopic('t', {});
    const c = log.consumer({ groupId: 'g' });
    c.subscribe(['t']);
    const t0 = Date.now();
    setTimeout(() => void log.producer().send({ topic: 't', value: 'x' }), 30);
    const rs = await c.poll({ timeoutMs: 5000 });
    expect(rs).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('resumes from committed offsets after a restart; groups are independent', async () => {
    const dir = tmpDir();
    let log = await LogStore.open(dir, { fsync: 'batch', maintenanceIntervalMs: 0 });
    await log.admin.createTopic('t', { partitions: 2 });
    await log.producer().sendBatch(Array.from({ length: 20 }, (_, i) => ({ topic: 't', key: `k${i}`, value: `${i}` })));
    const c = log.consumer({ groupId: 'a', autoOffsetReset: 'earliest' });
    c.subscribe(['t']);
    const first = await c.poll({ timeoutMs: 100, maxRecords: 5 });
    await c.commit();
    await c.close();
    await log.close();
    log = await openLog(dir);
    const c2 = log.consumer({ groupId: 'a', autoOffsetReset: 'earliest' });
    c2.subscribe(['t']);
    const rest = await c2.poll({ timeoutMs: 100 });
    expect(first.length + rest.length).toBe(20);
    const other = log.consumer({ groupId: 'b', autoOffsetReset: 'earliest' });
    other.subscribe(['t']);
    expect(await other.poll({ timeoutMs: 100 })).toHaveLength(20);
  });

  it('keeps offset metadata with the committed offsets across a restart, in Kafka\'s OffsetCommitValue v3 layout', async () => {
    const dir = tmpDir();
    let log = await LogStore.open(dir, { fsync: 'batch', maintenanceIntervalMs: 0 });
    await log.admin.createTopic('t', { partitions: 2 });
    const c = log.consumer({ groupId: 'm' });
    await c.commit([{ topic: 't', partition: 0, offset: 5, metadata: 'AgAAAYvP5Wh7' }, { topic: 't', partition: 1, offset: 6 }]);
    const p = log.producer({ transactionalId: 'meta-tx' });
    p.beginTransaction();
    await p.sendOffsetsToTransaction([{ topic: 't', partition: 1, offset: 7, metadata: 'stream time é' }], 'm');
    await p.commitTransaction();
    await log.close();
    log = await openLog(dir);
    const tps = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }];
    expect(await log.consumer({ groupId: 'm' }).committedOffsets(tps)).toEqual([
      { offset: 5, metadata: 'AgAAAYvP5Wh7' }, { offset: 7, metadata: 'stream time é' },
    ]);
    // the record itself: version 3, offset, leader epoch -1, metadata (int16 length + UTF-8), commit time
    const recs = (await log.read({ topic: '__consumer_offsets', partition: 0 }, 0, 100)).records.filter((r) => r.value !== null);
    const v = Buffer.from(recs[0].value!);
    expect([v.readInt16BE(0), Number(v.readBigInt64BE(2)), v.readInt32BE(10), v.readInt16BE(14), v.toString('utf8', 16, 28), v.length]).toEqual([3, 5, -1, 12, 'AgAAAYvP5Wh7', 36]);
  });

  it('shares partitions between members of a group', async () => {
    const log = await openLog();
    await log.admin.createTopic('t', { partitions: 4 });
    const a = log.consumer({ groupId: 'g' }), b = log.consumer({ groupId: 'g' });
    a.subscribe(['t']);
    b.subscribe(['t']);
    await a.poll({ timeoutMs: 1 });
    await b.poll({ timeoutMs: 1 });
    await a.poll({ timeoutMs: 1 });
    expect(a.assignment().length + b.assignment().length).toBe(4);
    expect(a.assignment().length).toBe(2);
  });

  it('seeks to an offset and to a timestamp; assign + position + read', async () => {
    const log = await openLog();
    await log.admin.createTopic('t', {});
    await log.producer().sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic: 't', value: `${i}`, timestamp: 1000 + i * 10 })));
    const tp = { topic: 't', partition: 0 };
    const c = log.consumer({ autoOffsetReset: 'latest' });
    c.assign([tp]);
    expect(await c.position(tp)).toBe(10);
    await c.seek(tp, 3);
    expect((await c.poll({ timeoutMs: 10 }))[0].offset).toBe(3);
    await c.seek(tp, { timestamp: 1045 });
    expect((await c.poll({ timeoutMs: 10 }))[0].offset).toBe(5);
    const r = await log.read(tp, 7, 2);
    expect(r.records.map((x) => x.offset)).toEqual([7, 8]);
    expect(r.next).toBe(9);
  });

  it('transactions: read_committed sees only committed records, offsets commit atomically', async () => {
    const log = await openLog();
    await log.admin.createTopic('t', {});
    const tp = { topic: 't', partition: 0 };
    const p = log.producer({ transactionalId: 'tx' });
    const rc = log.consumer({ isolation: 'read_committed', autoOffsetReset: 'earliest' });
    rc.assign([tp]);
    const ru = log.consumer({ isolation: 'read_uncommitted', autoOffsetReset: 'earliest' });
    ru.assign([tp]);
    p.beginTransaction();
    await p.sendBatch([{ topic: 't', value: 'a1' }, { topic: 't', value: 'a2' }]);
    expect(await rc.poll({ timeoutMs: 10 })).toHaveLength(0); // pending
    await p.abortTransaction();
    p.beginTransaction();
    await p.send({ topic: 't', value: 'c1' });
    await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 42 }], 'app');
    expect(await log.admin.groupLag('app')).toEqual([]);
    await p.commitTransaction();
    expect((await rc.poll({ timeoutMs: 10 })).map((r) => text(r.value))).toEqual(['c1']);
    expect((await ru.poll({ timeoutMs: 10 })).map((r) => text(r.value))).toEqual(['a1', 'a2', 'c1']);
    const c = log.consumer({ groupId: 'app' });
    expect(await c.committed({ topic: 'in', partition: 0 })).toBe(42);
    // a new producer with the same id fences the old one
    const p2 = log.producer({ transactionalId: 'tx' });
    p2.beginTransaction();
    await p2.send({ topic: 't', value: 'p2' });
    p.beginTransaction();
    await expect(p.send({ topic: 't', value: 'zombie' })).rejects.toThrow(/fenced/);
  });

  it('an open transaction is aborted when the log is reopened after a crash', async () => {
    const dir = tmpDir();
    const log = await LogStore.open(dir, { maintenanceIntervalMs: 0, serve: false });
    await log.admin.createTopic('t', {});
    const p = log.producer({ transactionalId: 'tx' });
    p.beginTransaction();
    await p.send({ topic: 't', value: 'pending' });
    // simulate a crash: drop the lock without closing (the files stay as they are)
    const { releaseLock } = await import('../../src/log-store/lock.ts');
    releaseLock(dir);
    const log2 = await openLog(dir);
    const rc = log2.consumer({ isolation: 'read_committed', autoOffsetReset: 'earliest' });
    rc.assign([{ topic: 't', partition: 0 }]);
    expect(await rc.poll({ timeoutMs: 10 })).toHaveLength(0);
    await log2.producer().send({ topic: 't', value: 'after' });
    expect((await rc.poll({ timeoutMs: 10 })).map((r) => text(r.value))).toEqual(['after']);
  });

  it('admin: describe, delete, errors that say what to do', async () => {
    const log = await openLog();
    await log.admin.createTopic('a', { partitions: 2, cleanupPolicy: 'compact' });
    await expect(log.admin.createTopic('a', {})).rejects.toThrow(/already exists/);
    await expect(log.admin.createTopic('../x', {})).rejects.toThrow(/invalid topic name/);
    await expect(log.admin.createTopic('b', { partitions: 0 })).rejects.toThrow(/partitions/);
    await expect(log.admin.describeTopic('nope')).rejects.toThrow(/unknown topic 'nope'/);
    await expect(log.producer().send({ topic: 'a', key: null, value: 'x' })).rejects.toThrow(/needs a key/);
    expect(await log.admin.listTopics()).toEqual(['a']);
    await log.admin.deleteTopic('a');
    expect(await log.admin.listTopics()).toEqual([]);
  });

  it('one owner per data dir: a second open fails naming the pid; connect works through the owner', async () => {
    const dir = tmpDir();
    const log = await openLog(dir);
    await expect(LogStore.open(dir)).rejects.toThrow(new RegExp(`owned by process ${process.pid}`));
    const client = await LogStore.connect(dir);
    await client.admin.createTopic('t', { partitions: 2 });
    await client.producer().send({ topic: 't', key: 'k', value: 'v' });
    const c = log.consumer({ autoOffsetReset: 'earliest' });
    c.subscribe(['t']);
    expect((await c.poll({ timeoutMs: 100 })).map((r) => text(r.value))).toEqual(['v']);
    const cc = client.consumer({ groupId: 'g', autoOffsetReset: 'earliest' });
    cc.subscribe(['t']);
    expect((await cc.poll({ timeoutMs: 100 })).map((r) => text(r.key))).toEqual(['k']);
    await cc.commit();
    expect(await log.admin.groupLag('g')).toHaveLength(2);
    await cc.close();
    await client.close();
  });
});
