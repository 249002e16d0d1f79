import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KTable.mapValues', () => {
  it('maps (value, key); deletes pass through as null without calling the mapper', async () => {
    const calls: Array<[string, string]> = [];
    const d = drive((b) => b.table('in', { key: str, value: str })
      .mapValues((v, k) => { calls.push([v, k]); return v.length; })
      .toStream().to('out', { value: serdes.int32() }));
    await pipeStrings(d, 'in', [['a', 'xyz'], ['a', null]]);
    expect(calls).toEqual([['xyz', 'a']]);
    expect(d.createOutputTopic('out', str, serdes.int32()).readKeyValuesToList()).toEqual([{ key: 'a', value: 3 }, { key: 'a', value: null }]);
    await d.close();
  });

  it('materialized with a serde: queryable store of the mapped values', async () => {
    const d = drive((b) => b.table('in', { key: str, value: str })
      .mapValues((v) => v.toUpperCase(), { storeName: 'upper', value: str }));
    await pipeStrings(d, 'in', [['a', 'hi'], ['b', 'yo']]);
    expect(d.getKeyValueStore<string, string>('upper').get('a')).toBe('HI');
    expect(d.createOutputTopic('dsl-test-upper-changelog', str, str).readValuesToList()).toEqual(['HI', 'YO']);
    await d.close();
  });
});
