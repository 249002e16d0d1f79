import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.map', () => {
  it('returns a new { key, value } per record; the timestamp is kept', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .map((k, v) => ({ key: v, value: k.length }))
      .to('out', { key: str, value: serdes.int32() }));
    await pipeStrings(d, 'in', [['abc', 'x', 10], ['de', 'y', 20]]);
    const recs = d.createOutputTopic('out', str, serdes.int32()).readRecordsToList();
    expect(recs.map((r) => [r.key, r.value, r.timestamp])).toEqual([['x', 3, 10], ['y', 2, 20]]);
    await d.close();
  });

  it('drops the source serdes downstream: the sink falls back to the config default (json)', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).map((k, v) => ({ key: { id: k }, value: [v] })).to('out'));
    await pipeStrings(d, 'in', [['a', 'b']]);
    expect(d.createOutputTopic('out').readKeyValue()).toEqual({ key: { id: 'a' }, value: ['b'] });
    await d.close();
  });

  it('fails clearly when the mapper does not return an object', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).map(() => null as unknown as { key: string; value: string }).to('out'));
    await expect(d.createInputTopic('in', str, str).pipeInput('k', 'v')).rejects.toThrow(/KSTREAM-MAP-0000000001.*map\(\) must return \{ key, value \}/);
  });

  it('marks the stream for repartitioning before a grouping', () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).map((k, v) => ({ key: v, value: k })).groupByKey().count());
    expect(d.topology.describe()).toMatch(/Sink: KSTREAM-SINK-\d+ \(topic: KSTREAM-AGGREGATE-STATE-STORE-\d+-repartition\)/);
  });
});
