import { describe, expect, it } from 'vitest';
import { serdes, type DroppedRecord } from '../../src/index.ts';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('KStream.groupBy', () => {
  it('groups by the selected key through <appId>-<store>-repartition', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .groupBy((_k, v) => v.toLowerCase(), { key: str })
      .count({ storeName: 'per-word' })
      .toStream()
      .to('out', { value: long }));
    const text = d.topology.describe();
    expect(text).toContain('Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])');
    expect(text).toContain('(topic: per-word-repartition)');
    expect(text).toContain('Sub-topology: 1');
    await pipeStrings(d, 'in', [['1', 'Cat'], ['2', 'dog'], ['3', 'cat']]);
    const rep = d.createOutputTopic('dsl-test-per-word-repartition', str, str).readKeyValuesToList();
    expect(rep).toEqual([{ key: 'cat', value: 'Cat' }, { key: 'dog', value: 'dog' }, { key: 'cat', value: 'cat' }]);
    expect(d.createOutputTopic('out', str, long).readKeyValuesToList()).toEqual([
      { key: 'cat', value: 1 }, { key: 'dog', value: 1 }, { key: 'cat', value: 2 },
    ]);
    expect(d.getKeyValueStore<string, number>('per-word').get('cat')).toBe(2);
    await d.close();
  });

  it('a null selected key is dropped by the repartition filter and reported', async () => {
    const dropped: DroppedRecord[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .groupBy((_k, v) => (v === '' ? null : v), { key: str })
      .count({ storeName: 's' }), { onDroppedRecord: (e) => dropped.push(e) });
    await pipeStrings(d, 'in', [['1', ''], ['2', 'x']]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ reason: 'null-key', topic: 'in', offset: 0 });
    // the repartition topic is named after the store, and so is its null-key filter (as in Java)
    expect(dropped[0].operator).toBe('s-repartition-filter');
    expect(d.getKeyValueStore('s').get('x')).toBe(1);
    await d.close();
  });

  it('Grouped name names the key selector and the repartition topic', () => {
    const d = drive((b) => b.stream('in').groupBy((_k, v) => v, { name: 'g' }).count());
    expect(d.topology.describe()).toContain('Processor: g (stores: [])');
    expect(d.topology.describe()).toContain('(topic: g-repartition)');
  });

  it('keys are json by default: object keys group by value', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: serdes.json<{ user: string; n: number }>() })
      .groupBy((_k, v) => ({ user: v.user }))
      .aggregate(() => 0, (_k, v, agg) => agg + v.n, { storeName: 'sums' }));
    const input = d.createInputTopic('in', str, serdes.json<{ user: string; n: number }>());
    await input.pipeInput('a', { user: 'u1', n: 2 });
    await input.pipeInput('b', { user: 'u1', n: 3 });
    expect(d.getKeyValueStore<{ user: string }, number>('sums').get({ user: 'u1' })).toBe(5);
    await d.close();
  });
});
