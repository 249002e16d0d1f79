import { describe, expect, it } from 'vitest';
import type { DroppedRecord } from '../../src/index.ts';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('StreamsBuilder.stream', () => {
  it('reads several topics into one stream', async () => {
    const d = drive((b) => b.stream(['a', 'b'], { key: str, value: str }).to('out'));
    expect(d.topology.describe()).toContain('Source: KSTREAM-SOURCE-0000000000 (topics: [a, b])');
    await pipeStrings(d, 'a', [['1', 'x']]);
    await pipeStrings(d, 'b', [['2', 'y']]);
    expect(d.createOutputTopic('out', str, str).readValuesToList()).toEqual(['x', 'y']);
    await d.close();
  });

  it('a RegExp subscribes to matching topics', () => {
    const d = drive((b) => b.stream(/orders-.*/).to('out'));
    expect(d.topology.describe()).toContain('Source: KSTREAM-SOURCE-0000000000 (topics: orders-.*)') // Java prints Pattern.toString(), no brackets;
  });

  it('Consumed timestampExtractor sets the record timestamp (it also sees the partition time)', async () => {
    const calls: number[] = [];
    const d = drive((b) => b.stream('in', {
      key: str, value: str,
      timestampExtractor: (r, partitionTime) => { calls.push(partitionTime); return Number(r.value); },
    }).to('out'));
    await pipeStrings(d, 'in', [['k', '500', 1], ['k', '300', 2]]);
    expect(d.createOutputTopic('out', str, str).readRecordsToList().map((r) => r.timestamp)).toEqual([500, 300]);
    expect(calls).toEqual([-1, 500]);
    await d.close();
  });

  it('the config timestampExtractor applies to every source without one', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).to('out'), { timestampExtractor: () => 42 });
    await pipeStrings(d, 'in', [['k', 'v', 1]]);
    expect(d.createOutputTopic('out', str, str).readRecord().timestamp).toBe(42);
    await d.close();
  });

  it('a negative timestamp fails with a hint', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str, timestampExtractor: () => -5 }).to('out'));
    await expect(pipeStrings(d, 'in', [['k', 'v']])).rejects.toThrow(/invalid timestamp -5.*timestampExtractor/);
  });

  it('Consumed name names the source', () => {
    const d = drive((b) => b.stream('in', { name: 'my-source', offsetReset: 'earliest' }).to('out'));
    expect(d.topology.describe()).toContain('Source: my-source (topics: [in])');
  });
});

describe('KTable.groupBy with a null selected key', () => {
  it('drops the update and reports it', async () => {
    const dropped: DroppedRecord[] = [];
    const d = drive((b) => b.table('in', { key: str, value: str })
      .groupBy((k, v) => ({ key: v === 'none' ? null : v, value: k }), { key: str, value: str })
      .count({ storeName: 'c' }).toStream().to('out', { value: long }), { onDroppedRecord: (e) => dropped.push(e) });
    await pipeStrings(d, 'in', [['a', 'x'], ['b', 'none']]);
    expect(d.createOutputTopic('out', str, long).readKeyValuesToList()).toEqual([{ key: 'x', value: 1 }]);
    expect(dropped.map((e) => e.reason)).toEqual(['null-key']);
    await d.close();
  });
});
