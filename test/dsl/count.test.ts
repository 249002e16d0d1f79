import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('KGroupedStream.count', () => {
  it('emits a running count per key with the max timestamp seen for that key', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey().count().toStream().to('out'));
    await pipeStrings(d, 'in', [['a', 'x', 10], ['a', 'y', 5], ['b', 'z', 7]]);
    const recs = d.createOutputTopic('out', str, long).readRecordsToList();
    expect(recs.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 1, 10], ['a', 2, 10], ['b', 1, 7]]);
    await d.close();
  });

  it('writes counts as int64 by default (the sink inherits the count serde)', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey().count().toStream().to('out'));
    await pipeStrings(d, 'in', [['a', 'x']]);
    const raw = d.createOutputTopic('out', str, serdes.bytes()).readRecord();
    expect([...raw.value]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(d.createOutputTopic('out').isEmpty()).toBe(true);
    await d.close();
  });

  it('materializes to a named store, changelogged as <appId>-<store>-changelog with int64 values', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey().count({ storeName: 'counts' }));
    await pipeStrings(d, 'in', [['a', 'x', 1], ['a', 'y', 2]]);
    const store = d.getKeyValueStore<string, number>('counts');
    expect(store.get('a')).toBe(2);
    expect(store.get('zzz')).toBeUndefined();
    const changelog = d.createOutputTopic('dsl-test-counts-changelog');
    expect(changelog.readKeyValuesToList()).toEqual([{ key: 'a', value: 1 }, { key: 'a', value: 2 }]);
    await d.close();
  });

  it('logging: false writes no changelog; caching: false still emits every update', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey()
      .count({ storeName: 'c', logging: false, caching: false }).toStream().to('out'));
    await pipeStrings(d, 'in', [['a', 'x'], ['a', 'y']]);
    expect(d.createOutputTopic('dsl-test-c-changelog').isEmpty()).toBe(true);
    expect(d.createOutputTopic('out', str, long).readValuesToList()).toEqual([1, 2]);
    await d.close();
  });

  it('queryableStoreName is the store name only when named', () => {
    drive((b) => {
      const g = b.stream('in').groupByKey();
      expect(g.count({ storeName: 'n' }).queryableStoreName).toBe('n');
      expect(b.stream('in2').groupByKey().count().queryableStoreName).toBeNull();
    });
  });

  it('all store entries are readable in key order', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey({ key: str }).count({ storeName: 'c' }));
    await pipeStrings(d, 'in', [['b', '1'], ['a', '1'], ['c', '1'], ['a', '2']]);
    const all: Array<[string, number]> = [];
    for await (const kv of d.getKeyValueStore<string, number>('c').all()) all.push([kv.key, kv.value]);
    expect(all).toEqual([['a', 2], ['b', 1], ['c', 1]]);
    await d.close();
  });
});
