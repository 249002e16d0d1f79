import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.foreach', () => {
  it('calls the action for each record and is terminal', async () => {
    const seen: Array<[string, string]> = [];
    let result: unknown = 'unset';
    const d = drive((b) => {
      result = b.stream('in', { key: str, value: str }).foreach((k, v) => void seen.push([k, v]));
    });
    await pipeStrings(d, 'in', [['a', '1'], ['b', '2']]);
    expect(result).toBeUndefined();
    expect(seen).toEqual([['a', '1'], ['b', '2']]);
    expect(d.topology.describe()).toContain('Processor: KSTREAM-FOREACH-0000000001 (stores: [])');
    await d.close();
  });

  it('a throwing action follows processingExceptionHandler: continue skips the record', async () => {
    const seen: string[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).foreach((k) => {
      if (k === 'bad') throw new Error('nope');
      seen.push(k);
    }), { processingExceptionHandler: 'continue' });
    await pipeStrings(d, 'in', [['a', '1'], ['bad', '2'], ['c', '3']]);
    expect(seen).toEqual(['a', 'c']);
    expect(d.metrics().skipped).toBe(1);
    await d.close();
  });
});
