import { describe, expect, it } from 'vitest';
import { StreamsBuilder, TopologyTestDriver, serdes } from '../../src/index.ts';

describe('smoke', () => {
  it('word count through the test driver', async () => {
    const b = new StreamsBuilder();
    b.stream('lines', { key: serdes.string(), value: serdes.string() })
      .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter(Boolean))
      .groupBy((_k, w) => w, { key: serdes.string() })
      .count({ storeName: 'counts' })
      .toStream()
      .to('counts-out');
    const t = b.build();
    const d = new TopologyTestDriver(t);
    const input = d.createInputTopic('lines');
    const out = d.createOutputTopic('counts-out');
    await input.pipeInput(null as unknown as string, 'hello world hello', 5);
    expect(out.readKeyValuesToList()).toEqual([
      { key: 'hello', value: 1 }, { key: 'world', value: 1 }, { key: 'hello', value: 2 },
    ]);
    expect(d.getKeyValueStore<string, number>('counts').get('hello')).toBe(2);
    await d.close();
  });
});
