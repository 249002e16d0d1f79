import { describe, expect, it, vi } from 'vitest';
import { serdes } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.to', () => {
  it('writes to a fixed topic with the upstream serdes by default', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).to('out'));
    await pipeStrings(d, 'in', [['k', 'v', 42]]);
    const raw = d.createOutputTopic('out', serdes.bytes(), serdes.bytes()).readRecord();
    expect(new TextDecoder().decode(raw.key)).toBe('k'); // string serde: no JSON quotes
    expect(new TextDecoder().decode(raw.value)).toBe('v');
    expect(raw.timestamp).toBe(42);
    await d.close();
  });

  it('produced serdes override: int64 writes 8 big-endian bytes', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).mapValues((v) => Number(v)).to('out', { key: str, value: serdes.int64() }));
    await pipeStrings(d, 'in', [['k', '258']]);
    const raw = d.createOutputTopic('out', str, serdes.bytes()).readRecord();
    expect([...raw.value]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    // and the output topic picks the produced serdes when none are given
    await pipeStrings(d, 'in', [['k', '7']]);
    expect(d.createOutputTopic('out').readKeyValue()).toEqual({ key: 'k', value: 7 });
    await d.close();
  });

  it('a topic extractor picks the topic per record from key, value, timestamp and source metadata', async () => {
    const seen: unknown[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).to((r) => {
      seen.push({ key: r.key, value: r.value, timestamp: r.timestamp, topic: r.topic, offset: r.offset });
      return `out-${r.value}`;
    }, { key: str, value: str }));
    await pipeStrings(d, 'in', [['1', 'red', 5], ['2', 'blue', 6], ['3', 'red', 7]]);
    expect(d.createOutputTopic('out-red', str, str).readKeyValuesToList()).toEqual([{ key: '1', value: 'red' }, { key: '3', value: 'red' }]);
    expect(d.createOutputTopic('out-blue', str, str).readKeyValuesToList()).toEqual([{ key: '2', value: 'blue' }]);
    expect(seen[1]).toEqual({ key: '2', value: 'blue', timestamp: 6, topic: 'in', offset: 1 });
    expect(d.topology.describe()).toMatch(/Sink: KSTREAM-SINK-0000000001 \(extractor class: /);
    await d.close();
  });

  it('calls the partitioner with (topic, key, value, numPartitions)', async () => {
    const partitioner = vi.fn((_t: string, _k: string, _v: string, n: number) => n - 1);
    const d = drive((b) => b.stream('in', { key: str, value: str }).to('out', { partitioner }));
    await pipeStrings(d, 'in', [['k', 'v']]);
    expect(partitioner).toHaveBeenCalledWith('out', 'k', 'v', 1);
    expect(d.createOutputTopic('out', str, str).readKeyValue()).toEqual({ key: 'k', value: 'v' });
    await d.close();
  });

  it('Produced name names the sink', () => {
    const d = drive((b) => b.stream('in').to('out', { name: 'to-out' }));
    expect(d.topology.describe()).toContain('Sink: to-out (topic: out)');
  });

  it('rejects an invalid topic name', () => {
    expect(() => drive((b) => b.stream('in').to('bad topic'))).toThrow(/to\(\) topic 'bad topic' is not a valid name/);
  });

  it('tombstones go out as null values', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).to('out'));
    await pipeStrings(d, 'in', [['k', null]]);
    expect(d.createOutputTopic('out', str, serdes.bytes()).readRecord().value).toBeNull();
    await d.close();
  });
});
