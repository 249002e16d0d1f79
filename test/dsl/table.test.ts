import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

describe('StreamsBuilder.table', () => {
  it('materialized: the latest value per key is queryable; a null value deletes', async () => {
    const d = drive((b) => {
      const t = b.table('in', { key: str, value: str }, { storeName: 'users' });
      expect(t.queryableStoreName).toBe('users');
    });
    await pipeStrings(d, 'in', [['u1', 'ann', 1], ['u2', 'bob', 2], ['u1', 'anne', 3], ['u2', null, 4]]);
    const store = d.getKeyValueStore<string, string>('users');
    expect(store.get('u1')).toBe('anne');
    expect(store.get('u2')).toBeUndefined();
    await d.close();
  });

  it('toStream() sees every update, tombstones as null values', async () => {
    const d = drive((b) => b.table('in', { key: str, value: str }).toStream().to('out'));
    await pipeStrings(d, 'in', [['a', '1'], ['a', '2'], ['a', null]]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([
      { key: 'a', value: '1' }, { key: 'a', value: '2' }, { key: 'a', value: null },
    ]);
    await d.close();
  });

  it('records with a null key are dropped and reported', async () => {
    const dropped: unknown[] = [];
    const d = drive((b) => b.table('in', { key: str, value: str }, { storeName: 't' }), { onDroppedRecord: (e) => dropped.push(e) });
    await pipeStrings(d, 'in', [[null, 'x']]);
    expect(dropped).toEqual([expect.objectContaining({ reason: 'null-key', operator: 'KTABLE-SOURCE-0000000001', topic: 'in' })]);
    await d.close();
  });

  it('Materialized serdes override the Consumed ones for the store', async () => {
    const d = drive((b) => b.table('in', { key: str, value: serdes.int32() }, { storeName: 't', value: serdes.int32() }));
    const input = d.createInputTopic('in'); // serdes from the topology's source
    await input.pipeInput('k', 5);
    expect(d.getKeyValueStore('t').get('k')).toBe(5);
    await d.close();
  });
});
