import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.merge', () => {
  it('interleaves two streams in the order records arrive', async () => {
    const d = drive((b) => {
      const a = b.stream('a', { key: str, value: str });
      const c = b.stream('c', { key: str, value: str });
      a.merge(c).to('out', { key: str, value: str });
    });
    const ina = d.createInputTopic('a', str, str);
    const inc = d.createInputTopic('c', str, str);
    await ina.pipeInput('1', 'a1', 1);
    await inc.pipeInput('2', 'c1', 2);
    await ina.pipeInput('3', 'a2', 3);
    expect(d.createOutputTopic('out', str, str).readValuesToList()).toEqual(['a1', 'c1', 'a2']);
    expect(d.topology.describe()).toContain('<-- KSTREAM-SOURCE-0000000000, KSTREAM-SOURCE-0000000001');
    await d.close();
  });

  it('merging a stream with a branch of itself sees the record twice', async () => {
    const d = drive((b) => {
      const s = b.stream('in', { key: str, value: str });
      s.merge(s.mapValues((v) => v + '!')).to('out', { value: str });
    });
    await pipeStrings(d, 'in', [['k', 'v']]);
    expect(d.createOutputTopic('out', str, str).readValuesToList().sort()).toEqual(['v', 'v!']);
    await d.close();
  });

  it('a merged stream keyed differently upstream repartitions before a grouping', () => {
    const d = drive((b) => {
      const a = b.stream('a').selectKey((_k, v) => v);
      const c = b.stream('c');
      a.merge(c).groupByKey().count();
    });
    expect(d.topology.describe()).toContain('-repartition');
  });

  it('refuses streams from another builder', () => {
    let other: ReturnType<typeof drive> | null = null;
    other = drive((b2) => {
      const s2 = b2.stream('x');
      expect(() => drive((b) => b.stream('y').merge(s2))).toThrow(/same StreamsBuilder/);
    });
    expect(other).toBeTruthy();
  });
});
