import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, cli, jsonLines, tmpDir } from './cli-helpers.ts';

function start(args: string[]): { p: ChildProcess; err: () => string; exited: Promise<number | null> } {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (b) => (err += b));
  return { p, err: () => err, exited: new Promise((r) => p.on('exit', r)) };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms;) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('several apps on one data dir', () => {
  it('a two-app pipeline under exactly-once: the second app runs through the first one\'s socket', async () => {
    const dir = tmpDir();
    const d = ['--data-dir', dir];
    for (const t of ['src', 'mid']) expect((await cli(['topics', 'create', t, '--partitions', '2', ...d])).code).toBe(0);
    const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ key: `k${i % 5}`, value: `v${i}` })).join('\n') + '\n';
    expect((await cli(['produce', 'src', ...d], lines(10))).code).toBe(0);

    const a = start(['test/cli/apps/pipe-upper.ts', ...d]);
    await until('app A to run', () => a.err().includes('running on'));
    const b = start(['test/cli/apps/pipe-count.ts', '--create-topics', ...d]);
    try {
      await until('app B to run', () => b.err().includes('running on') || b.p.exitCode !== null);
      expect(b.err()).toContain('is owned by process');
      expect((await cli(['produce', 'src', ...d], lines(10))).code).toBe(0); // through A's socket, while both run
      const counts = async () => {
        const c = await cli(['consume', 'counts', '--from-beginning', '--read-committed', '--value-format', 'int64', ...d]);
        const last = new Map<string, number>();
        for (const r of jsonLines(c.stdout)) last.set(r.key as string, r.value as number);
        return last;
      };
      await until('the counts of both batches', async () => [...(await counts()).values()].reduce((x, y) => x + y, 0) === 20);
      expect([...(await counts()).entries()].sort()).toEqual([['k0', 4], ['k1', 4], ['k2', 4], ['k3', 4], ['k4', 4]]);
      const mid = jsonLines((await cli(['consume', 'mid', '--from-beginning', '--read-committed', ...d])).stdout);
      expect(mid).toHaveLength(20);
      expect(mid.every((r) => /^V\d+$/.test(r.value as string))).toBe(true);
    } finally {
      b.p.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      a.p.kill('SIGTERM');
      expect(await a.exited).toBe(0);
    }
    expect(b.err()).toContain('stopped cleanly');
  }, 180_000);
});
