import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.filterNot', () => {
  it('drops the records whose predicate holds', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).filterNot((_k, v) => v === 'drop').to('out'));
    await pipeStrings(d, 'in', [['a', 'keep', 1], ['b', 'drop', 2], ['c', 'keep2', 3]]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'a', value: 'keep' }, { key: 'c', value: 'keep2' }]);
    await d.close();
  });

  it('is the complement of filter on the same input', async () => {
    const pred = (k: string) => Number(k) % 3 === 0;
    const d = drive((b) => {
      const s = b.stream('in', { key: str, value: str });
      s.filter(pred).to('yes');
      s.filterNot(pred).to('no');
    });
    await pipeStrings(d, 'in', Array.from({ length: 10 }, (_, i) => [String(i), 'v'] as [string, string]));
    const yes = d.createOutputTopic('yes', str, str).readKeyValuesToList().map((r) => r.key);
    const no = d.createOutputTopic('no', str, str).readKeyValuesToList().map((r) => r.key);
    expect(yes).toEqual(['0', '3', '6', '9']);
    expect(no).toEqual(['1', '2', '4', '5', '7', '8']);
    // filterNot is a KSTREAM-FILTER in Kafka too
    expect(d.topology.describe()).toContain('Processor: KSTREAM-FILTER-0000000003');
    await d.close();
  });
});
