import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.filter', () => {
  it('keeps the records whose predicate holds, with key, value and timestamp unchanged', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).filter((k, v) => k.startsWith('a') && v.length > 1).to('out'));
    await pipeStrings(d, 'in', [['a1', 'xx', 5], ['b1', 'xx', 6], ['a2', 'x', 7], ['a3', 'yyy', 8]]);
    const recs = d.createOutputTopic('out', str, str).readRecordsToList();
    expect(recs.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a1', 'xx', 5], ['a3', 'yyy', 8]]);
    await d.close();
  });

  it('sees null values (tombstones) and can drop them', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).filter((_k, v) => v !== null).to('out'));
    await pipeStrings(d, 'in', [['a', null], ['b', 'v']]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'b', value: 'v' }]);
    await d.close();
  });

  it('keeps headers', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).filter(() => true).to('out'));
    await d.createInputTopic('in', str, str).pipeRecordList([{ key: 'k', value: 'v', timestamp: 1, headers: { h: 'x' } }]);
    const r = d.createOutputTopic('out', str, str).readRecord();
    expect(r.headers).toEqual({ h: 'x' });
    await d.close();
  });

  it('is named KSTREAM-FILTER-<n>, or by Named', () => {
    const d = drive((b) => {
      const s = b.stream('in');
      s.filter(() => true).to('a');
      s.filter(() => true, { name: 'my-filter' }).to('b');
    });
    const text = d.topology.describe();
    expect(text).toContain('Processor: KSTREAM-FILTER-0000000001 (stores: [])');
    expect(text).toContain('Processor: my-filter (stores: [])');
  });

  it('rejects a predicate that is not a function', () => {
    expect(() => drive((b) => b.stream('in').filter(null as unknown as () => boolean))).toThrow(/filter predicate must be a function/);
  });

  it('a throwing predicate fails with the operator named', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).filter(() => { throw new Error('boom'); }, { name: 'bad-filter' }).to('out'));
    await expect(d.createInputTopic('in', str, str).pipeInput('k', 'v', 0)).rejects.toThrow(/operator bad-filter.*boom/);
  });
});
