import { describe, expect, it } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.peek', () => {
  it('calls the action with (key, value) and forwards the record unchanged', async () => {
    const seen: string[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).peek((k, v) => seen.push(`${k}=${v}`)).to('out'));
    await pipeStrings(d, 'in', [['a', '1', 5], ['b', '2', 6]]);
    expect(seen).toEqual(['a=1', 'b=2']);
    const recs = d.createOutputTopic('out', str, str).readRecordsToList();
    expect(recs.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', '1', 5], ['b', '2', 6]]);
    await d.close();
  });

  it('runs before the downstream operators of the same record', async () => {
    const order: string[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str })
      .peek((k) => order.push(`peek ${k}`))
      .foreach((k) => order.push(`foreach ${k}`)));
    await pipeStrings(d, 'in', [['a', '1'], ['b', '2']]);
    expect(order).toEqual(['peek a', 'foreach a', 'peek b', 'foreach b']);
    await d.close();
  });
});
