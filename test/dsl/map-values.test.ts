import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.mapValues', () => {
  it('receives (value, key) and keeps key and timestamp', async () => {
    const seen: Array<[string, string]> = [];
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .mapValues((v, k) => { seen.push([v, k]); return `${k}=${v.toUpperCase()}`; })
      .to('out', { value: str }));
    await pipeStrings(d, 'in', [['a', 'x', 3], ['b', 'y', 4]]);
    expect(seen).toEqual([['x', 'a'], ['y', 'b']]);
    const recs = d.createOutputTopic('out', str, str).readRecordsToList();
    expect(recs.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 'a=X', 3], ['b', 'b=Y', 4]]);
    await d.close();
  });

  it('keeps the key serde: the sink writes the key with the source key serde', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).mapValues((v) => v.length).to('out'));
    await pipeStrings(d, 'in', [['plain', 'abcd']]);
    // the key went out as plain UTF-8 (string serde), the value as json (the default)
    expect(d.createOutputTopic('out', str).readKeyValue()).toEqual({ key: 'plain', value: 4 });
    await d.close();
  });

  it('does not require a repartition before groupByKey', () => {
    const d = drive((b) => b.stream('in').mapValues((v) => v).groupByKey().count());
    expect(d.topology.describe()).not.toContain('repartition');
  });
});
