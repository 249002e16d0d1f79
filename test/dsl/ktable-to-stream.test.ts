import { describe, expect, it } from 'vitest';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('KTable.toStream', () => {
  it('forwards every change of an aggregate table', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey().count().toStream().to('out', { value: long }));
    await pipeStrings(d, 'in', [['a', 'x', 1], ['a', 'y', 2]]);
    expect(d.createOutputTopic('out', str, long).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 1, 1], ['a', 2, 2]]);
    await d.close();
  });

  it('with a key mapper re-keys the records and marks the stream for repartitioning', async () => {
    const d = drive((b) => b.table('in', { key: str, value: str })
      .toStream((k, v) => `${k}/${v}`)
      .to('out', { key: str }));
    await pipeStrings(d, 'in', [['a', '1']]);
    expect(d.createOutputTopic('out', str, str).readKeyValue()).toEqual({ key: 'a/1', value: '1' });
    await d.close();
    const d2 = drive((b) => b.table('in').toStream((k) => k).groupByKey().count());
    expect(d2.topology.describe()).toContain('-repartition');
  });
});
