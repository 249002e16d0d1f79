import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

interface Stats { n: number; total: number; max: number }

describe('KGroupedStream.aggregate', () => {
  it('calls the initializer once per key, then the aggregator with (key, value, agg)', async () => {
    let inits = 0;
    const seenKeys: string[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey()
      .aggregate(
        () => { inits++; return { n: 0, total: 0, max: -Infinity } as Stats; },
        (key, v, agg) => { seenKeys.push(key); const x = Number(v); return { n: agg.n + 1, total: agg.total + x, max: Math.max(agg.max, x) }; },
        { storeName: 'stats', value: serdes.json<Stats>() },
      )
      .toStream()
      .to('out'));
    await pipeStrings(d, 'in', [['a', '5'], ['b', '1'], ['a', '7']]);
    expect(inits).toBe(2);
    expect(seenKeys).toEqual(['a', 'b', 'a']);
    expect(d.createOutputTopic('out', str, serdes.json<Stats>()).readKeyValuesToList()).toEqual([
      { key: 'a', value: { n: 1, total: 5, max: 5 } },
      { key: 'b', value: { n: 1, total: 1, max: 1 } },
      { key: 'a', value: { n: 2, total: 12, max: 7 } },
    ]);
    expect(d.getKeyValueStore<string, Stats>('stats').get('a')).toEqual({ n: 2, total: 12, max: 7 });
    await d.close();
  });

  it('the aggregate type may differ from the value type; the materialized value serde is used', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey()
      .aggregate(() => 0, (_k, v, agg) => agg + v.length, { storeName: 'len', value: serdes.int64() })
      .toStream().to('out'));
    await pipeStrings(d, 'in', [['a', 'abc'], ['a', 'de']]);
    const raw = d.createOutputTopic('out', str, serdes.bytes()).readRecordsToList();
    expect(raw.map((r) => r.value[7])).toEqual([3, 5]);
    expect(d.createOutputTopic('dsl-test-len-changelog', str, serdes.int64()).readValuesToList()).toEqual([3, 5]);
    await d.close();
  });

  it('without a value serde the aggregate is stored as json (the default)', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey()
      .aggregate(() => [] as string[], (_k, v, agg) => [...agg, v], { storeName: 'lists' }).toStream().to('out'));
    await pipeStrings(d, 'in', [['a', 'x'], ['a', 'y']]);
    expect(d.createOutputTopic('out', str).readValuesToList()).toEqual([['x'], ['x', 'y']]);
    await d.close();
  });

  it('a store named twice with a different type fails at build, naming it', () => {
    expect(() => drive((b) => {
      b.addStateStore({ name: 'dup', type: 'window', windowSize: 10, retention: 100 });
      b.stream('in').groupByKey().count({ storeName: 'dup' });
    })).toThrow(/store 'dup' is defined twice with different types/);
  });
});
