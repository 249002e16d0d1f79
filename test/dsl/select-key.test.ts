import { describe, expect, it } from 'vitest';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('KStream.selectKey', () => {
  it('returns the new key; the value is unchanged', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).selectKey((_k, v) => v.split(':')[0]).to('out', { key: str }));
    await pipeStrings(d, 'in', [['x', 'a:1', 1], ['y', 'b:2', 2]]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'a', value: 'a:1' }, { key: 'b', value: 'b:2' }]);
    await d.close();
  });

  it('keeps the value serde and repartitions before groupByKey (the count groups by the new key)', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .selectKey((_k, v) => v)
      .groupByKey({ key: str })
      .count({ storeName: 'by-value' })
      .toStream()
      .to('out', { key: str, value: long }));
    await pipeStrings(d, 'in', [['1', 'red'], ['2', 'blue'], ['3', 'red']]);
    expect(d.createOutputTopic('out', str, long).readKeyValuesToList()).toEqual([
      { key: 'red', value: 1 }, { key: 'blue', value: 1 }, { key: 'red', value: 2 },
    ]);
    expect(d.topology.describe()).toContain('(topic: by-value-repartition)');
    await d.close();
  });
});
