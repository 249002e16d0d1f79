import { describe, expect, it } from 'vitest';
import { createTimestampedKeyValueStore } from '../../src/state/builders.ts';
import type { ValueAndTimestamp } from '../../src/state/types.ts';
import { fakeContext, num, str } from './helpers.ts';

type Flushed = [string, ValueAndTimestamp<number> | null, ValueAndTimestamp<number> | null, number];

async function setup(store: 'memory' | 'leveldb', cacheMaxBytes: number) {
  const ctx = fakeContext({ cacheMaxBytes });
  const s = createTimestampedKeyValueStore({ name: 'agg', key: str, value: num, store });
  await s.init(ctx);
  const flushed: Flushed[] = [];
  const cachingOn = s.setFlushListener((k, nv, ov, rc) => flushed.push([k, nv, ov, rc.offset]));
  const write = (offset: number, key: string, value: number | null) => {
    ctx.current = { timestamp: offset * 10, topic: 'in', partition: 0, offset };
    s.put(key, value === null ? null : { value, timestamp: offset * 10 });
  };
  return { ctx, s, flushed, cachingOn, write };
}

describe.each(['memory', 'leveldb'] as const)('caching over %s', (store) => {
  it('collapses updates between flushes and forwards new and old values in last-write order', async () => {
    const { s, flushed, cachingOn, write, ctx } = await setup(store, 100_000);
    expect(cachingOn).toBe(true);
    write(1, 'a', 1);
    write(2, 'b', 1);
    write(3, 'a', 2);
    expect(s.get('a')).toEqual({ value: 2, timestamp: 30 });
    expect(flushed).toEqual([]);
    expect(ctx.sink.records).toEqual([]); // nothing written down before the flush
    await s.flush();
    expect(flushed).toEqual([
      ['b', { value: 1, timestamp: 20 }, null, 2],
      ['a', { value: 2, timestamp: 30 }, null, 3],
    ]);
    expect(ctx.sink.records.map((r) => [r.key, r.timestamp])).toEqual([['b', 20], ['a', 30]]);
    write(4, 'a', 3);
    write(5, 'a', null);
    write(6, 'c', 1);
    write(7, 'c', null); // created and deleted inside one interval: nothing at all
    await s.flush();
    expect(flushed.slice(2)).toEqual([['a', null, { value: 2, timestamp: 30 }, 5]]);
    expect(s.get('a')).toBeUndefined();
    expect(ctx.sink.records.map((r) => [r.key, r.value === null ? null : 'v'])).toEqual([['b', 'v'], ['a', 'v'], ['a', null]]);
    await s.close();
  });

  it('evicting a dirty entry over the byte budget flushes all dirty entries, the evicted one first', async () => {
    const { s, flushed, write } = await setup(store, 200); // room for 3 entries of ~60 bytes (Kafka's estimate: key + value + 45 + topic)
    write(1, 'a', 1);
    write(2, 'b', 1);
    write(3, 'a', 2);
    write(4, 'c', 1);
    expect(flushed).toEqual([]);
    write(5, 'd', 1); // over budget: evicts b (least recently used), which flushes every dirty entry
    expect(flushed.map((f) => [f[0], f[1]?.value, f[3]])).toEqual([['b', 1, 2], ['a', 2, 3], ['c', 1, 4], ['d', 1, 5]]);
    expect(s.get('b')).toEqual({ value: 1, timestamp: 20 }); // read back from the store below
    await s.close();
  });

  it('cacheMaxBytes 0 turns caching off: the processor forwards itself', async () => {
    const { s, flushed, cachingOn, write, ctx } = await setup(store, 0);
    expect(cachingOn).toBe(false);
    write(1, 'a', 1);
    expect(ctx.sink.records).toHaveLength(1);
    await s.flush();
    expect(flushed).toEqual([]);
    await s.close();
  });
});
