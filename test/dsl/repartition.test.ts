import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.repartition', () => {
  it('writes through <appId>-<name>-repartition and reads it back', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .selectKey((_k, v) => v)
      .repartition({ name: 'by-value' })
      .to('out'));
    expect(d.topology.describe()).toContain('Sink: by-value-repartition-sink (topic: by-value-repartition)');
    expect(d.topology.describe()).toContain('Source: by-value-repartition-source (topics: [by-value-repartition])');
    await pipeStrings(d, 'in', [['1', 'a', 3], ['2', 'b', 4]]);
    // selectKey drops the key serde (the key type changed), so the key falls back to the default (json); the value keeps its serde
    const rep = d.createOutputTopic('dsl-test-by-value-repartition', serdes.json<string>(), str).readRecordsToList();
    expect(rep.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 'a', 3], ['b', 'b', 4]]);
    expect(d.createOutputTopic('out', serdes.json<string>(), str).readKeyValuesToList()).toEqual([{ key: 'a', value: 'a' }, { key: 'b', value: 'b' }]);
    await d.close();
  });

  it('uses the given serdes on the repartition topic', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .mapValues((v) => Number(v))
      .repartition({ value: serdes.int32(), key: str })
      .to('out', { value: serdes.int32() }));
    await pipeStrings(d, 'in', [['k', '5']]);
    const rep = d.createOutputTopic('dsl-test-KSTREAM-REPARTITION-0000000002-repartition', str, serdes.bytes()).readRecord();
    expect([...rep.value]).toEqual([0, 0, 0, 5]);
    expect(d.createOutputTopic('out', str, serdes.int32()).readKeyValue()).toEqual({ key: 'k', value: 5 });
    await d.close();
  });

  it('generated names: KSTREAM-REPARTITION-<n>-repartition', () => {
    const d = drive((b) => b.stream('in').repartition().to('out'));
    expect(d.topology.describe()).toContain('(topic: KSTREAM-REPARTITION-0000000001-repartition)');
  });

  it('rejects a bad partition count', () => {
    expect(() => drive((b) => b.stream('in').repartition({ partitions: 0 }))).toThrow(/partitions must be a positive integer/);
  });

  it('repartition resets the need to repartition: groupByKey after it adds no second topic', () => {
    const d = drive((b) => b.stream('in').selectKey((_k, v) => v).repartition({ name: 'r' }).groupByKey().count());
    const topics = d.topology.describe().match(/-repartition\)/g) ?? [];
    expect(topics.length).toBe(1);
  });
});
