import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KTable.filter / filterNot', () => {
  it('with old values known: a value that stops matching becomes a delete, non-matching new keys emit nothing', async () => {
    const d = drive((b) => b.table('in', { key: str, value: str }, { storeName: 'src' })
      .filter((_k, v) => Number(v) > 5).toStream().to('out'));
    await pipeStrings(d, 'in', [['a', '3'], ['a', '7'], ['a', '2'], ['b', '1'], ['b', '9']]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([
      { key: 'a', value: '7' }, { key: 'a', value: null }, { key: 'b', value: '9' },
    ]);
    await d.close();
  });

  it('filterNot keeps the complement', async () => {
    const d = drive((b) => b.table('in', { key: str, value: str }, { storeName: 'src' })
      .filterNot((_k, v) => Number(v) > 5).toStream().to('out'));
    await pipeStrings(d, 'in', [['a', '3'], ['a', '7']]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'a', value: '3' }, { key: 'a', value: null }]);
    await d.close();
  });

  it('materialized filter result is queryable and holds only matching keys', async () => {
    const d = drive((b) => {
      const t = b.table('in', { key: str, value: str }).filter((_k, v) => v.startsWith('y'), { storeName: 'yes' });
      expect(t.queryableStoreName).toBe('yes');
    });
    await pipeStrings(d, 'in', [['a', 'yes'], ['b', 'no'], ['a', 'nope']]);
    const store = d.getKeyValueStore<string, string>('yes');
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeUndefined();
    await pipeStrings(d, 'in', [['c', 'yay']]);
    expect(store.get('c')).toBe('yay');
    await d.close();
  });

  it('the predicate is never called with a null value', async () => {
    const seen: unknown[] = [];
    const d = drive((b) => b.table('in', { key: str, value: str }, { storeName: 's' }).filter((_k, v) => { seen.push(v); return true; }).toStream().to('out'));
    await pipeStrings(d, 'in', [['a', '1'], ['a', null]]);
    expect(seen).not.toContain(null);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'a', value: '1' }, { key: 'a', value: null }]);
    await d.close();
  });
});
