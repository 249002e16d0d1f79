import { describe, expect, it } from 'vitest';
import type { KStream } from '../../src/index.ts';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.split / branch / defaultBranch', () => {
  it('routes each record to the first matching branch; unnamed branches are keyed by position, the default by "0"', async () => {
    let keys: string[] = [];
    const d = drive((b) => {
      const branches = b.stream('in', { key: str, value: str }).split()
        .branch((_k, v) => v.startsWith('a'))
        .branch((_k, v) => v.startsWith('ab')) // never reached: the first branch wins
        .branch((_k, v) => v.startsWith('b'))
        .defaultBranch();
      keys = Object.keys(branches).sort();
      branches['1'].to('out-a');
      branches['2'].to('out-ab');
      branches['3'].to('out-b');
      branches['0'].to('out-rest');
    });
    expect(keys).toEqual(['0', '1', '2', '3']);
    await pipeStrings(d, 'in', [['1', 'apple'], ['2', 'abc'], ['3', 'banana'], ['4', 'cherry']]);
    expect(d.createOutputTopic('out-a', str, str).readValuesToList()).toEqual(['apple', 'abc']);
    expect(d.createOutputTopic('out-ab', str, str).isEmpty()).toBe(true);
    expect(d.createOutputTopic('out-b', str, str).readValuesToList()).toEqual(['banana']);
    expect(d.createOutputTopic('out-rest', str, str).readValuesToList()).toEqual(['cherry']);
    await d.close();
  });

  it('named split and branches: keys are split name + branch name, as Java names the processors', async () => {
    let branches: Record<string, KStream<string, string>> = {};
    const d = drive((b) => {
      branches = b.stream('in', { key: str, value: str }).split({ name: 'fruit-' })
        .branch((_k, v) => v === 'apple', { name: 'apples' })
        .branch((_k, v) => v === 'pear')
        .defaultBranch({ name: 'others' });
      for (const [name, s] of Object.entries(branches)) s.to(`out-${name}`);
    });
    expect(Object.keys(branches).sort()).toEqual(['fruit-2', 'fruit-apples', 'fruit-others']);
    const text = d.topology.describe();
    expect(text).toContain('Processor: fruit- (stores: [])');
    expect(text).toContain('Processor: fruit-apples (stores: [])');
    expect(text).toContain('Processor: fruit-2 (stores: [])');
    await pipeStrings(d, 'in', [['1', 'apple'], ['2', 'pear'], ['3', 'plum']]);
    expect(d.createOutputTopic('out-fruit-apples', str, str).readValuesToList()).toEqual(['apple']);
    expect(d.createOutputTopic('out-fruit-2', str, str).readValuesToList()).toEqual(['pear']);
    expect(d.createOutputTopic('out-fruit-others', str, str).readValuesToList()).toEqual(['plum']);
    await d.close();
  });

  it('noDefaultBranch drops records that match no branch and still returns the record of branches', async () => {
    const d = drive((b) => {
      const r = b.stream('in', { key: str, value: str }).split().branch((k) => k === 'x').noDefaultBranch();
      expect(Object.keys(r)).toEqual(['1']);
      r['1'].to('out');
    });
    await pipeStrings(d, 'in', [['x', '1'], ['y', '2']]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'x', value: '1' }]);
    await d.close();
  });

  it('no branch can be added after defaultBranch()', () => {
    drive((b) => {
      const split = b.stream('in').split();
      split.branch(() => true).defaultBranch();
      expect(() => split.branch(() => true)).toThrow(/no branch can be added after defaultBranch/);
    });
  });

  it('rejects an invalid branch name', () => {
    expect(() => drive((b) => b.stream('in').split().branch(() => true, { name: 'bad name!' }))).toThrow(/branch name 'bad name!' is not a valid name/);
  });
});
