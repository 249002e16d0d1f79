import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.flatMap', () => {
  it('emits zero or more { key, value } per record, in order, with the input timestamp', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .flatMap((k, v) => v.split(',').filter(Boolean).map((part, i) => ({ key: `${k}${i}`, value: part })))
      .to('out', { key: str, value: str }));
    await pipeStrings(d, 'in', [['a', 'x,y', 7], ['b', '', 8], ['c', 'z', 9]]);
    const recs = d.createOutputTopic('out', str, str).readRecordsToList();
    expect(recs.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a0', 'x', 7], ['a1', 'y', 7], ['c0', 'z', 9]]);
    await d.close();
  });

  it('accepts any iterable (a generator)', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .flatMap(function* (k, v) { for (let i = 0; i < Number(v); i++) yield { key: k, value: i }; })
      .to('out', { key: str }));
    await pipeStrings(d, 'in', [['k', '3']]);
    expect(d.createOutputTopic('out', str).readValuesToList()).toEqual([0, 1, 2]);
    await d.close();
  });

  it('repartitions before a grouping', () => {
    const d = drive((b) => b.stream('in').flatMap((k, v) => [{ key: v, value: k }]).groupByKey().count());
    expect(d.topology.describe()).toContain('-repartition');
  });
});
