import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('KTable.groupBy + KGroupedTable count / reduce / aggregate', () => {
  it('count: moving a row to another group subtracts from the old group and adds to the new one; a delete subtracts', async () => {
    const d = drive((b) => b.table('users', { key: str, value: str })
      .groupBy((user, region) => ({ key: region, value: user }), { key: str, value: str })
      .count({ storeName: 'per-region' })
      .toStream().to('out', { value: long }));
    expect(d.topology.describe()).toContain('(topic: per-region-repartition)');
    await pipeStrings(d, 'users', [['alice', 'eu'], ['bob', 'eu'], ['alice', 'us'], ['bob', null]]);
    expect(d.createOutputTopic('out', str, long).readKeyValuesToList()).toEqual([
      { key: 'eu', value: 1 }, { key: 'eu', value: 2 },
      { key: 'eu', value: 1 }, { key: 'us', value: 1 },
      { key: 'eu', value: 0 },
    ]);
    const store = d.getKeyValueStore<string, number>('per-region');
    expect(store.get('us')).toBe(1);
    expect(store.get('eu')).toBe(0);
    await d.close();
  });

  it('aggregate calls the subtractor with the old value before the adder with the new one', async () => {
    const calls: string[] = [];
    const d = drive((b) => b.table('scores', { key: str, value: serdes.int32() })
      .groupBy((_player, score) => ({ key: 'all', value: score }), { key: str, value: serdes.int32() })
      .aggregate(
        () => 0,
        (k, v, agg) => { calls.push(`+${k}:${v}`); return agg + v; },
        (k, v, agg) => { calls.push(`-${k}:${v}`); return agg - v; },
        { storeName: 'total', value: long },
      )
      .toStream().to('out'));
    const input = d.createInputTopic('scores', str, serdes.int32());
    await input.pipeInput('p1', 10);
    await input.pipeInput('p2', 5);
    await input.pipeInput('p1', 12);
    expect(calls).toEqual(['+all:10', '+all:5', '-all:10', '+all:12']);
    expect(d.createOutputTopic('out', str, long).readValuesToList().at(-1)).toBe(17);
    expect(d.getKeyValueStore('total').get('all')).toBe(17);
    await d.close();
  });

  it('reduce(adder, subtractor) keeps a running sum per group', async () => {
    const d = drive((b) => b.table('stock', { key: str, value: serdes.int32() })
      .groupBy((item, qty) => ({ key: item.split('-')[0], value: qty }), { key: str, value: serdes.int32() })
      .reduce((agg, v) => agg + v, (agg, v) => agg - v, { storeName: 'per-category' }));
    const input = d.createInputTopic('stock', str, serdes.int32());
    await input.pipeInput('fruit-apple', 3);
    await input.pipeInput('fruit-pear', 4);
    await input.pipeInput('veg-leek', 1);
    await input.pipeInput('fruit-apple', 1);
    await input.pipeInput('veg-leek', null as unknown as number);
    const store = d.getKeyValueStore<string, number>('per-category');
    expect(store.get('fruit')).toBe(5);
    expect(store.get('veg')).toBe(0);
    await d.close();
  });

  it('Grouped name names the repartition topic and the select processor', () => {
    const d = drive((b) => b.table('t').groupBy((k, v) => ({ key: v, value: k }), { name: 'regroup' }).count());
    expect(d.topology.describe()).toContain('Processor: regroup (stores: [])');
    expect(d.topology.describe()).toContain('(topic: regroup-repartition)');
  });
});
