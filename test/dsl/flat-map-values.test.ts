import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.flatMapValues', () => {
  it('receives (value, key) and emits each value with the same key', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .flatMapValues((v, k) => v.split(' ').map((w) => `${k}:${w}`))
      .to('out', { value: str }));
    await pipeStrings(d, 'in', [['a', 'hello big world', 1], ['b', 'x', 2]]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([
      { key: 'a', value: 'a:hello' }, { key: 'a', value: 'a:big' }, { key: 'a', value: 'a:world' }, { key: 'b', value: 'b:x' },
    ]);
    await d.close();
  });

  it('an empty iterable emits nothing', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).flatMapValues(() => []).to('out'));
    await pipeStrings(d, 'in', [['a', 'x']]);
    expect(d.createOutputTopic('out').isEmpty()).toBe(true);
    await d.close();
  });

  it('keeps the key: no repartition before groupByKey', () => {
    const d = drive((b) => b.stream('in').flatMapValues((v) => [v]).groupByKey().count());
    expect(d.topology.describe()).not.toContain('repartition');
  });
});
