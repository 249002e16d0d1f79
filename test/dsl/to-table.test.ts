import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.toTable', () => {
  it('keeps the latest value per key in a queryable store; null deletes and reaches toStream as a null value', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).toTable({ storeName: 'latest' }).toStream().to('out'));
    await pipeStrings(d, 'in', [['a', '1', 1], ['b', '2', 2], ['a', '3', 3], ['b', null, 4]]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([
      { key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'a', value: '3' }, { key: 'b', value: null },
    ]);
    const store = d.getKeyValueStore<string, string>('latest');
    expect(store.get('a')).toBe('3');
    expect(store.get('b')).toBeUndefined();
    expect(store.approximateNumEntries()).toBe(1);
    await d.close();
  });

  it('the store is changelogged to <appId>-<store>-changelog', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).toTable({ storeName: 'latest' }));
    await pipeStrings(d, 'in', [['a', '1', 7]]);
    const cl = d.createOutputTopic('dsl-test-latest-changelog', str, str).readRecord();
    expect([cl.key, cl.value, cl.timestamp]).toEqual(['a', '1', 7]);
    await d.close();
  });

  it('a key changed upstream is repartitioned first; null keys are dropped there', async () => {
    const dropped: unknown[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .selectKey((_k, v) => (v === 'none' ? null : v))
      .toTable({ storeName: 't', key: str })
      .toStream().to('out'), { onDroppedRecord: (e) => dropped.push(e) });
    expect(d.topology.describe()).toContain('-repartition');
    await pipeStrings(d, 'in', [['1', 'x'], ['2', 'none']]);
    expect(d.getKeyValueStore<string, string>('t').get('x')).toBe('x');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ reason: 'null-key' });
    await d.close();
  });

  it('unnamed: KSTREAM-TOTABLE-<n>, not queryable, its store not materialized (as Java describes it)', () => {
    let name: string | null = 'x';
    const d = drive((b) => { name = b.stream('in').toTable().queryableStoreName; });
    expect(name).toBeNull();
    expect(d.topology.describe()).toContain('Processor: KSTREAM-TOTABLE-0000000001 (stores: [])');
  });
});
