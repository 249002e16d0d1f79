import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KGroupedStream.reduce', () => {
  it('combines (aggValue, value); the first value is the initial aggregate', async () => {
    const calls: Array<[string, string]> = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey()
      .reduce((agg, v) => { calls.push([agg, v]); return `${agg}+${v}`; }, { storeName: 'r' })
      .toStream().to('out'));
    await pipeStrings(d, 'in', [['a', '1'], ['a', '2'], ['b', '9'], ['a', '3']]);
    expect(calls).toEqual([['1', '2'], ['1+2', '3']]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([
      { key: 'a', value: '1' }, { key: 'a', value: '1+2' }, { key: 'b', value: '9' }, { key: 'a', value: '1+2+3' },
    ]);
    expect(d.getKeyValueStore('r').get('a')).toBe('1+2+3');
    await d.close();
  });

  it('keeps the value serde of the stream for the store and the output', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: serdes.int32() }).groupByKey().reduce((a, v) => a + v, { storeName: 'sum' }).toStream().to('out'));
    const input = d.createInputTopic('in', str, serdes.int32());
    await input.pipeInput('k', 3);
    await input.pipeInput('k', 4);
    const raw = d.createOutputTopic('out', str, serdes.bytes()).readRecordsToList();
    expect(raw.map((r) => [...r.value])).toEqual([[0, 0, 0, 3], [0, 0, 0, 7]]);
    await d.close();
  });

  it('rejects a reducer that is not a function', () => {
    expect(() => drive((b) => b.stream('in').groupByKey().reduce(undefined as unknown as (a: unknown, b: unknown) => unknown))).toThrow(/reduce reducer must be a function/);
  });
});
