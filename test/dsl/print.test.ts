import { afterEach, describe, expect, it, vi } from 'vitest';
import { drive, pipeStrings, str } from './helpers.ts';

describe('KStream.print', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints "[label]: key, value" per record to stdout', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; });
    const d = drive((b) => b.stream('in', { key: str, value: str }).print({ label: 'orders' }));
    await pipeStrings(d, 'in', [['k1', 'v1'], ['k2', null]]);
    vi.restoreAllMocks();
    expect(lines).toEqual(['[orders]: k1, v1\n', '[orders]: k2, null\n']);
    await d.close();
  });

  it('labels with the processor name by default (as Java) and prints objects as JSON', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; });
    const d = drive((b) => b.stream('in', { key: str, value: str }).mapValues((v) => ({ v })).print());
    await pipeStrings(d, 'in', [['k', 'x']]);
    vi.restoreAllMocks();
    expect(lines).toEqual(['[KSTREAM-PRINTER-0000000002]: k, {"v":"x"}\n']);
    expect(d.topology.describe()).toContain('Processor: KSTREAM-PRINTER-0000000002 (stores: [])');
    await d.close();
  });
});
