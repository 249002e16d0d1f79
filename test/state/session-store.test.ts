import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../../src/state/builders.ts';
import { collect, fakeContext, num, str, tempTaskDir } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const session = (key: string, start: number, end: number) => ({ key, window: { start, end } });

describe.each(['memory', 'leveldb'] as const)('%s session store', (store) => {
  const make = (retention = 1_000_000) => createSessionStore({ name: 'sess', key: str, value: num, store, retention });

  it('finds sessions overlapping [earliestEnd, latestStart] ordered by end, then start', async () => {
    const s = make();
    await s.init(fakeContext({ cacheMaxBytes: 10_000 }));
    s.put(session('a', 0, 10), 1);
    s.put(session('a', 5, 30), 2);
    s.put(session('a', 20, 30), 3);
    s.put(session('a', 40, 50), 4);
    s.put(session('ab', 0, 100), 9);
    await s.flush();
    s.put(session('a', 12, 15), 5); // still in the cache
    const found = (await collect(s.findSessions('a', 12, 40))).map((e) => [e.window.start, e.window.end, e.value]);
    expect(found).toEqual([[12, 15, 5], [5, 30, 2], [20, 30, 3], [40, 50, 4]]);
    expect(s.findSessionsSync('a', 12, 40).map((e) => e.value)).toEqual([5, 2, 3, 4]);
    expect((await collect(s.backwardFindSessions('a', 12, 40))).map((e) => e.value)).toEqual([4, 3, 2, 5]);
    expect(s.fetchSession('a', 5, 30)).toBe(2);
    expect(s.fetchSession('a', 5, 31)).toBeUndefined();
    s.remove(session('a', 5, 30));
    s.put(session('a', 20, 30), null);
    expect((await collect(s.fetch('a'))).map((e) => e.value)).toEqual([1, 5, 4]);
    await s.close();
  });

  it('expires sessions whose end is older than stream time - retention', async () => {
    const s = make(60_000);
    await s.init(fakeContext());
    s.put(session('k', 0, 1_000), 1);
    s.put(session('k', 50_000, 80_000), 2);
    s.put(session('k', 200_000, 200_000), 3); // stream time 200 s: ends <= 140 s are gone
    expect(s.findSessionsSync('k', 0, 1e9).map((e) => e.value)).toEqual([3]);
    s.put(session('k', 100_000, 130_000), 4); // expired on arrival
    expect(s.fetchSession('k', 100_000, 130_000)).toBeUndefined();
    await s.close();
  });

  it('finds sessions from a negative earliest end (record time - gap < 0), cached or not', async () => {
    const s = make();
    await s.init(fakeContext({ cacheMaxBytes: 10_000 }));
    s.put(session('k', 0, 0), 1);
    expect(s.findSessionsSync('k', -5_000, 5_000).map((e) => [e.window.start, e.window.end, e.value])).toEqual([[0, 0, 1]]);
    await s.flush();
    s.put(session('k', 2, 3), 2); // cache
    expect(s.findSessionsSync('k', -5_000, 5_000).map((e) => e.value)).toEqual([1, 2]);
    expect((await collect(s.findSessions('k', -1, 2))).map((e) => e.value)).toEqual([1, 2]);
    expect((await collect(s.backwardFindSessions('k', -3, 0))).map((e) => e.value)).toEqual([1]);
    await s.close();
  });

  it('at the retention bound: leveldb (Kafka RocksDB) writes into a live segment, memory (Kafka in-memory) drops', async () => {
    const s = make(3_000); // leveldb segments of 60 s
    await s.init(fakeContext());
    s.put(session('k1', 10_000, 10_000), 1);
    s.put(session('k0', 7_000, 7_000), 2); // end = stream time - retention: expired for reads
    expect(s.fetchSession('k0', 7_000, 7_000)).toBeUndefined();
    expect(s.findSessionsSync('k0', 0, 1e9)).toEqual([]);
    // the time-ordered end-range fetch of onWindowClose() shows what a live segment holds (RocksDB only)
    const closed = s.findSessionsByEndSync(0, 9_999).map((e) => [e.key, e.window.end, e.value]);
    expect(closed).toEqual(store === 'leveldb' ? [['k0', 7_000, 2]] : []);
    s.put(session('k2', 70_000, 70_000), 3); // leveldb: segment 0 ([0, 60 s)) is dropped whole
    expect(s.findSessionsByEndSync(0, 69_999)).toEqual([]);
    await s.close();
  });

  it('logs key + 8-byte end + 8-byte start and forwards session ends as flush timestamps', async () => {
    const ctx = fakeContext({ cacheMaxBytes: 10_000 });
    const s = make();
    await s.init(ctx);
    const out: unknown[] = [];
    expect(s.setFlushListener((k, nv, ov) => out.push([k.window, nv, ov]))).toBe(true);
    s.put(session('a', 3, 7), 1);
    await s.flush();
    expect(out).toEqual([[{ start: 3, end: 7 }, { value: 1, timestamp: 7 }, null]]);
    expect([...Buffer.from(ctx.sink.records[0].key, 'latin1')]).toEqual([97, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 3]);
    await s.close();
  });
});

describe('leveldb session store on disk', () => {
  it('keeps sessions across a reopen', async () => {
    const { dir, cleanup } = tempTaskDir();
    cleanups.push(cleanup);
    const make = () => createSessionStore({ name: 's', key: str, value: num, retention: 100_000 });
    const s = make();
    await s.init(fakeContext({ taskDir: dir }));
    s.put(session('a', 0, 10), 1);
    s.put(session('a', 15, 20), 2);
    await s.close();
    const again = make();
    await again.init(fakeContext({ taskDir: dir }));
    expect(again.findSessionsSync('a', 0, 100).map((e) => e.value)).toEqual([1, 2]);
    await again.close();
  });
});
