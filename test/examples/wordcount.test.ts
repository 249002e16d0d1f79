/** examples/wordcount.ts through the test driver. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TopologyTestDriver, serdes } from '../../src/index.ts';
import app, { sampleInput } from '../../examples/wordcount.ts';

describe('examples/wordcount.ts', () => {
  let printed: string[] = [];
  beforeEach(() => {
    printed = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { printed.push(String(chunk)); return true; });
  });
  afterEach(() => vi.restoreAllMocks());

  it('counts the sample input and prints every running count', async () => {
    const d = new TopologyTestDriver(app);
    await d.createInputTopic('text-lines').pipeValueList(sampleInput['text-lines']);
    const counts = d.createOutputTopic<string, number>('word-counts').readKeyValuesToMap();
    expect(counts.get('the')).toBe(4);
    expect(counts.get('flow')).toBe(3);
    expect(counts.get('streams')).toBe(2);
    expect(counts.get('sea')).toBe(2);
    expect(counts.get('again')).toBe(1);
    expect(printed).toContain('[word-count]: the, 4\n');
    expect(printed).toHaveLength(sampleInput['text-lines'].join(' ').split(' ').length);
    await d.close();
  });

  it('counts words across lines, case-insensitively, ignoring punctuation', async () => {
    const d = new TopologyTestDriver(app);
    const lines = d.createInputTopic('text-lines');
    const counts = d.createOutputTopic('word-counts');
    await lines.pipeValueList(['The quick brown fox', 'jumps over the lazy dog.', 'THE END']);
    expect(counts.readKeyValuesToMap()).toEqual(new Map([
      ['the', 3], ['quick', 1], ['brown', 1], ['fox', 1], ['jumps', 1], ['over', 1], ['lazy', 1], ['dog', 1], ['end', 1],
    ]));
    expect(d.getKeyValueStore<string, number>('word-counts-store').get('the')).toBe(3);
    await d.close();
  });

  it('emits a running count for every word occurrence, in order', async () => {
    const d = new TopologyTestDriver(app);
    await d.createInputTopic('text-lines').pipeInput(null, 'a b a', 100);
    expect(d.createOutputTopic('word-counts').readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a', 1, 100], ['b', 1, 100], ['a', 2, 100],
    ]);
    await d.close();
  });

  it('writes Java-compatible bytes: UTF-8 keys, 8-byte big-endian counts', async () => {
    const d = new TopologyTestDriver(app);
    await d.createInputTopic('text-lines').pipeInput(null, 'hello');
    const raw = d.createOutputTopic('word-counts', serdes.bytes(), serdes.bytes()).readRecord();
    expect(new TextDecoder().decode(raw.key)).toBe('hello');
    expect([...raw.value]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    await d.close();
  });

  it('writes the repartition and changelog topics under the applicationId', async () => {
    const d = new TopologyTestDriver(app);
    await d.createInputTopic('text-lines').pipeInput(null, 'x x');
    expect(d.createOutputTopic('wordcount-word-counts-store-repartition').readKeyValuesToList()).toEqual([
      { key: 'x', value: 'x' }, { key: 'x', value: 'x' },
    ]);
    expect(d.createOutputTopic('wordcount-word-counts-store-changelog').readKeyValuesToList()).toEqual([
      { key: 'x', value: 1 }, { key: 'x', value: 2 },
    ]);
    await d.close();
  });

  it('an empty or punctuation-only line counts nothing', async () => {
    const d = new TopologyTestDriver(app);
    await d.createInputTopic('text-lines').pipeValueList(['', '... !!']);
    expect(d.createOutputTopic('word-counts').isEmpty()).toBe(true);
    await d.close();
  });
});
