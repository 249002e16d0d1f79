import { describe, expect, it } from 'vitest';
import { createKeyValueStore, createTimestampedKeyValueStore } from '../../src/state/builders.ts';
import { collect, fakeContext, num, str } from './helpers.ts';

describe.each(['memory', 'leveldb'] as const)('%s key-value store', (store) => {
  const make = () => createKeyValueStore({ name: 'kv', key: str, value: num, store });

  it('answers point operations synchronously', async () => {
    const s = make();
    await s.init(fakeContext({ cacheMaxBytes: 1024 }));
    s.put('a', 1);
    expect(s.get('a')).toBe(1);
    expect(s.putIfAbsent('a', 2)).toBe(1);
    expect(s.putIfAbsent('b', 2)).toBeUndefined();
    s.putAll([{ key: 'c', value: 3 }, { key: 'b', value: null }]);
    expect(s.get('b')).toBeUndefined();
    expect(s.delete('c')).toBe(3);
    expect(s.delete('zz')).toBeUndefined();
    expect(s.get('c')).toBeUndefined();
    await s.flush();
    expect(s.approximateNumEntries()).toBe(1);
    await s.close();
  });

  it('ranges in key-byte order with inclusive bounds, merging cached and stored entries', async () => {
    const s = make();
    await s.init(fakeContext({ cacheMaxBytes: 10_000 }));
    for (const [i, k] of ['d', 'a', 'c', 'b', 'e'].entries()) s.put(k, i);
    await s.flush();
    s.put('c', 100); // only in the cache
    s.put('bb', 7);
    s.delete('d');
    const keys = async (it: AsyncIterable<{ key: string; value: number }>) => (await collect(it)).map((kv) => `${kv.key}=${kv.value}`);
    expect(await keys(s.all())).toEqual(['a=1', 'b=3', 'bb=7', 'c=100', 'e=4']);
    expect(await keys(s.range('b', 'c'))).toEqual(['b=3', 'bb=7', 'c=100']);
    expect(await keys(s.range(null, 'b'))).toEqual(['a=1', 'b=3']);
    expect(await keys(s.reverseRange('b', null))).toEqual(['e=4', 'c=100', 'bb=7', 'b=3']);
    expect(await keys(s.range('c', 'b'))).toEqual([]);
    expect(await keys(s.prefixScan('b', str))).toEqual(['b=3', 'bb=7']);
    await s.close();
  });

  it('timestamped store keeps ValueAndTimestamp and offers a plain facade', async () => {
    const t = createTimestampedKeyValueStore({ name: 'tkv', key: str, value: num, store });
    await t.init(fakeContext());
    t.put('k', { value: 5, timestamp: 1234 });
    expect(t.get('k')).toEqual({ value: 5, timestamp: 1234 });
    const plain = t.asPlainStore();
    expect(plain.get('k')).toBe(5);
    expect(await collect(plain.all())).toEqual([{ key: 'k', value: 5 }]);
    expect(await collect(t.all())).toEqual([{ key: 'k', value: { value: 5, timestamp: 1234 } }]);
    await t.close();
  });
});
