import { describe, expect, it } from 'vitest';
import { serdes, type DroppedRecord } from '../../src/index.ts';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('KStream.groupByKey', () => {
  it('groups by the existing key without a repartition topic', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey().count({ storeName: 'c' }).toStream().to('out'));
    expect(d.topology.describe()).not.toContain('repartition');
    await pipeStrings(d, 'in', [['a', 'x'], ['b', 'y'], ['a', 'z']]);
    expect(d.createOutputTopic('out', str, long).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 }, { key: 'b', value: 1 }, { key: 'a', value: 2 },
    ]);
    await d.close();
  });

  it('Grouped serdes and name are used for the repartition topic after a key change', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .map((_k, v) => ({ key: v.length, value: v }))
      .groupByKey({ key: serdes.int32(), value: str, name: 'by-length' })
      .count()
      .toStream()
      .to('out', { key: serdes.int32(), value: long }));
    expect(d.topology.describe()).toContain('(topic: by-length-repartition)');
    await pipeStrings(d, 'in', [['a', 'xx'], ['b', 'yyy'], ['c', 'zz']]);
    const rep = d.createOutputTopic('dsl-test-by-length-repartition', serdes.bytes(), str).readRecord();
    expect([...rep.key]).toEqual([0, 0, 0, 2]);
    expect(d.createOutputTopic('out', serdes.int32(), long).readKeyValuesToList()).toEqual([
      { key: 2, value: 1 }, { key: 3, value: 1 }, { key: 2, value: 2 },
    ]);
    await d.close();
  });

  it('records with a null key or a null value are dropped and reported (onDroppedRecord, droppedRecordsTopic, metrics)', async () => {
    const dropped: DroppedRecord[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).groupByKey().count({ storeName: 'c' }), {
      onDroppedRecord: (e) => dropped.push(e), droppedRecordsTopic: 'dropped',
    });
    await pipeStrings(d, 'in', [[null, 'x', 5], ['a', null, 6], ['a', 'y', 7]]);
    expect(d.getKeyValueStore<string, number>('c').get('a')).toBe(1);
    expect(dropped.map((e) => [e.reason, e.operator, e.topic, e.partition, e.offset, e.timestamp])).toEqual([
      ['null-key', 'KSTREAM-AGGREGATE-0000000001', 'in', 0, 0, 5],
      ['null-value', 'KSTREAM-AGGREGATE-0000000001', 'in', 0, 1, 6],
    ]);
    const topic = d.createOutputTopic('dropped', serdes.bytes(), serdes.json<DroppedRecord>());
    expect(topic.readValuesToList()).toEqual(dropped);
    expect(d.metrics().dropped).toEqual({ 'null-key': 1, 'null-value': 1 });
    await d.close();
  });
});
