import { afterEach, describe, expect, it } from 'vitest';
import { createTimestampedWindowStore, createWindowStore } from '../../src/state/builders.ts';
import { collect, fakeContext, num, str, tempTaskDir } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe.each(['memory', 'leveldb'] as const)('%s window store', (store) => {
  const make = (extra: { retainDuplicates?: boolean; retention?: number } = {}) =>
    createWindowStore({ name: 'win', key: str, value: num, store, windowSize: 10, retention: extra.retention ?? 1_000_000, retainDuplicates: extra.retainDuplicates });

  it('fetches one key by window start, in order, sync and async, without neighbouring keys', async () => {
    const s = make();
    await s.init(fakeContext({ cacheMaxBytes: 10_000 }));
    for (const t of [20, 0, 10, 70_000]) s.put('a', t, t);
    s.put('ab', 1, 10);
    s.put('a\u0000', 2, 10); // bytes that could fall inside a's key range
    await s.flush();
    s.put('a', 99, 30); // still in the cache
    expect(s.fetchOne('a', 10)).toBe(10);
    expect(await collect(s.fetch('a', 5, 70_000))).toEqual([{ timestamp: 10, value: 10 }, { timestamp: 20, value: 20 }, { timestamp: 30, value: 99 }, { timestamp: 70_000, value: 70_000 }]);
    expect(s.fetchSync('a', 5, 70_000)).toEqual(await collect(s.fetch('a', 5, 70_000)));
    expect((await collect(s.backwardFetch('a', 0, 20))).map((e) => e.timestamp)).toEqual([20, 10, 0]);
    expect(s.fetchSync('a', 0, 20, true).map((e) => e.timestamp)).toEqual([20, 10, 0]);
    const all = await collect(s.fetchAll(10, 10));
    // store-key byte order: 'a\0' + start sorts before 'a' + start (its 2nd byte 0 meets start's high bytes)
    expect(all.map((e) => [e.key, e.window.start, e.window.end, e.value])).toEqual([['a\u0000', 10, 20, 2], ['a', 10, 20, 10], ['ab', 10, 20, 1]]);
    expect((await collect(s.all())).length).toBe(7);
    await s.close();
  });

  it('hides data older than stream time - retention; drops writes by segment (leveldb: Kafka RocksDB) or by record (memory: Kafka in-memory)', async () => {
    const s = make({ retention: 60_000 }); // leveldb: segment interval = max(30 s, 60 s) = 60 s; memory: 1 ms
    await s.init(fakeContext());
    s.put('k', 1, 0);
    s.put('k', 2, 59_000);
    expect(s.fetchSync('k', 0, 200_000).map((e) => e.value)).toEqual([1, 2]);
    s.put('k', 3, 61_000); // stream time 61 s: data at <= 1 s is invisible
    expect(s.fetchSync('k', 0, 200_000).map((e) => e.value)).toEqual([2, 3]);
    s.put('k', 4, 130_000); // stream time 130 s: visible from 70 001; leveldb drops segment 0 ([0, 60 s)), memory all < 70 s
    expect(s.fetchSync('k', 0, 200_000).map((e) => e.value)).toEqual([4]);
    s.put('k', 5, 70_000); // at the retention bound: invisible; leveldb writes it (segment 1 is live), memory does not
    expect(s.fetchOne('k', 70_000)).toBeUndefined();
    s.put('k', 6, 70_001);
    expect((await collect(s.fetch('k', 0, 200_000))).map((e) => e.value)).toEqual([6, 4]);
    await s.flush();
    // leveldb: 61 s, 70 s and 70.001 s (segment 1) + 130 s; memory: 70.001 s and 130 s
    expect(s.approximateNumEntries()).toBe(store === 'leveldb' ? 4 : 2);
    await s.close();
  });

  it('clamps a negative lower time bound at 0 and keeps the time filter (Kafka WindowKeySchema.lowerRangeFixedSize)', async () => {
    const s = make();
    await s.init(fakeContext({ cacheMaxBytes: 10_000 }));
    s.put('k', 1, 0);
    s.put('k', 2, 3);
    await s.flush();
    s.put('k', 3, 5); // in the cache
    expect(s.fetchSync('k', -10, 4).map((e) => e.value)).toEqual([1, 2]);
    expect((await collect(s.fetch('k', -10, 5))).map((e) => e.value)).toEqual([1, 2, 3]);
    expect((await collect(s.backwardFetch('k', -5_000, 5))).map((e) => e.value)).toEqual([3, 2, 1]);
    expect(s.fetchSync('k', -10, -1)).toEqual([]);
    await s.close();
  });

  it('retains duplicates with a sequence number and ignores null puts then', async () => {
    const s = make({ retainDuplicates: true });
    const ctx = fakeContext({ cacheMaxBytes: 10_000 });
    await s.init(ctx);
    s.put('j', 1, 100);
    s.put('j', 2, 100);
    s.put('j', null, 100);
    expect(s.fetchSync('j', 100, 100).map((e) => e.value)).toEqual([1, 2]);
    expect(ctx.sink.records).toHaveLength(2); // not cached: written (and logged) at once
    expect(ctx.sink.records[0].key.length).toBe(1 + 8 + 4);
    await s.close();
  });
});

describe.each(['memory', 'leveldb'] as const)('%s timestamped window store', (store) => {
  it('collapses cached updates and forwards windowed keys with old values on flush', async () => {
    const ctx = fakeContext({ cacheMaxBytes: 10_000 });
    const s = createTimestampedWindowStore({ name: 'tw', key: str, value: num, store, windowSize: 10, retention: 100_000 });
    await s.init(ctx);
    const out: unknown[] = [];
    expect(s.setFlushListener((k, nv, ov) => out.push([k.key, k.window, nv?.value, ov?.value]))).toBe(true);
    s.put('a', { value: 1, timestamp: 3 }, 0);
    await s.flush();
    s.put('a', { value: 2, timestamp: 4 }, 0);
    s.put('a', { value: 3, timestamp: 5 }, 0);
    await s.flush();
    expect(out).toEqual([['a', { start: 0, end: 10 }, 1, undefined], ['a', { start: 0, end: 10 }, 3, 1]]);
    expect(ctx.sink.records.map((r) => r.timestamp)).toEqual([3, 5]);
    expect(await collect(s.asPlainStore().fetch('a', 0, 0))).toEqual([{ timestamp: 0, value: 3 }]);
    await s.close();
  });
});

describe.each(['memory', 'leveldb'] as const)('%s window store restore', (store) => {
  it('rebuilds from its own changelog records without logging them again', async () => {
    const make = () => createWindowStore({ name: 'r', key: str, value: num, store, windowSize: 10, retention: 100_000, caching: false });
    const src = make();
    const ctx = fakeContext();
    await src.init(ctx);
    src.put('a', 1, 0);
    src.put('b', 2, 10);
    src.put('a', null, 0);
    src.put('a', 3, 20);
    await src.close();
    const dst = make();
    const ctx2 = fakeContext();
    await dst.init(ctx2);
    for (const r of ctx.sink.records) dst.restore!(Buffer.from(r.key, 'latin1'), r.value, r.timestamp);
    // leveldb (Kafka RocksDB): segment, then key order; memory (Kafka in-memory): time, then key order
    const expected = store === 'leveldb' ? [['a', 20, 3], ['b', 10, 2]] : [['b', 10, 2], ['a', 20, 3]];
    expect((await collect(dst.all())).map((e) => [e.key, e.window.start, e.value])).toEqual(expected);
    expect(ctx2.sink.records).toEqual([]);
    await dst.close();
  });
});

describe('leveldb window store on disk', () => {
  it('reopens its segments, with sync fetches through the key index', async () => {
    const { dir, cleanup } = tempTaskDir();
    cleanups.push(cleanup);
    const make = () => createWindowStore({ name: 'w', key: str, value: num, windowSize: 10, retention: 60_000 });
    const s = make();
    await s.init(fakeContext({ taskDir: dir }));
    s.put('k', 1, 0);
    s.put('k', 2, 60_000);
    s.put('x', 3, 75_000);
    s.put('k', 4, 130_000); // drops segment 0
    await s.close();
    const again = make();
    await again.init(fakeContext({ taskDir: dir }));
    expect(again.fetchSync('k', 0, 200_000)).toEqual([{ timestamp: 130_000, value: 4 }]);
    expect(await collect(again.fetch('x', 0, 200_000))).toEqual([{ timestamp: 75_000, value: 3 }]);
    expect(again.approximateNumEntries()).toBe(3); // 60 s is invisible (<= 130 s - 60 s) but its segment lives
    await again.close();
  });
});
