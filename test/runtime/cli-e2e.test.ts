/**
 * End to end: `streams-run examples/wordcount.ts` as a real child process on a temporary data dir, fed through the
 * `produce` verb (another process, talking to the running owner over its socket) and through LogStore.connect,
 * read back with the `consume` verb; SIGTERM stops it with exit code 0 and a restart continues from the committed
 * offsets without counting anything twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';
import wordcount, { sampleInput } from '../../examples/wordcount.ts';
import { AppProcess, cli, until } from './proc.ts';

const dirs: string[] = [];
const procs: AppProcess[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.kill('SIGKILL');
    await p.exited;
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const words = (lines: string[]) => lines.flatMap((l) => l.toLowerCase().split(/\W+/).filter((w) => w.length > 0));
function countWords(lines: string[], into = new Map<string, number>()): Map<string, number> {
  for (const w of words(lines)) into.set(w, (into.get(w) ?? 0) + 1);
  return into;
}

/** `consume word-counts` output -> per word, the counts in offset order (values are int64; counts here stay < 128, so the UTF-8 text is the bytes). */
async function consumeCounts(dataDir: string): Promise<Map<string, number[]>> {
  const r = await cli(['consume', 'word-counts', '--from-beginning', '--data-dir', dataDir]);
  expect(r.code, r.stderr).toBe(0);
  const out = new Map<string, number[]>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const rec = JSON.parse(line) as { key: string; value: string; partition: number; offset: number };
    const bytes = Buffer.from([...rec.value].map((c) => c.charCodeAt(0)));
    expect(bytes.length).toBe(8);
    const list = out.get(rec.key) ?? [];
    list.push(Number(bytes.readBigInt64BE()));
    out.set(rec.key, list);
  }
  return out;
}

const lastOf = (m: Map<string, number[]>) => new Map([...m].map(([k, v]) => [k, v[v.length - 1]]));

function startWordcount(dataDir: string): AppProcess {
  const p = new AppProcess(['examples/wordcount.ts', '--data-dir', dataDir, '--create-topics', '--config', 'commitIntervalMs=100']);
  procs.push(p);
  return p;
}

describe('streams-run as a real process', () => {
  it('runs wordcount fed by the produce verb and LogStore.connect, stops on SIGTERM with 0 and restarts from committed offsets', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-e2e-'));
    dirs.push(dataDir);
    const app = startWordcount(dataDir);
    await app.waitFor('running on');
    const expected = countWords(sampleInput['text-lines']);

    // 1. the produce verb, in another process, through the running owner's socket
    const viaCli = ['Alpha beta beta', 'gamma alpha', 'the END'];
    const prod = await cli(['produce', 'text-lines', '--data-dir', dataDir], viaCli.join('\n') + '\n');
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.stderr).toContain('produced 3 record(s)');
    countWords(viaCli, expected);

    // 2. LogStore.connect from this process
    const viaApi = ['beta delta', 'alpha alpha the'];
    const client = await LogStore.connect(dataDir);
    expect(client.mode).toBe('client');
    expect(client.ownerPid).toBe(app.pid);
    await client.producer().sendBatch(viaApi.map((value, i) => ({ topic: 'text-lines', key: `api-${i}`, value })));
    await client.close();
    countWords(viaApi, expected);

    let seen = new Map<string, number[]>();
    await until(async () => {
      seen = await consumeCounts(dataDir);
      return [...expected].every(([w, n]) => lastOf(seen).get(w) === n);
    }, 20_000, 'word counts');
    expect(lastOf(seen)).toEqual(expected);
    expect(app.stdout).toContain('[word-count]'); // print() of the example

    // a client that stays connected (a feeder, `consume --follow`) must not hold up the graceful stop
    const lingering = await LogStore.connect(dataDir);
    app.kill('SIGTERM');
    const first = await app.exited;
    await lingering.close();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('stopped cleanly');

    // committed: the group has no lag on text-lines
    let log = await LogStore.open(dataDir);
    const lag = await log.admin.groupLag('wordcount');
    expect(lag.filter((l) => l.topic === 'text-lines').map((l) => l.lag)).toEqual([0]);
    await log.close();

    // 3. restart: continues from committed offsets (clean shutdown under at_least_once: exact counts)
    const again = startWordcount(dataDir);
    await again.waitFor('running on');
    expect(again.stderr).not.toContain('seeded'); // text-lines already holds records
    const more = ['alpha omega'];
    expect((await cli(['produce', 'text-lines', '--data-dir', dataDir], more.join('\n') + '\n')).code).toBe(0);
    countWords(more, expected);
    await until(async () => {
      seen = await consumeCounts(dataDir);
      return lastOf(seen).get('omega') === 1 && lastOf(seen).get('alpha') === expected.get('alpha');
    }, 20_000, 'counts after restart');
    // nothing was counted twice: per word the emitted counts only grow and end at the exact total
    for (const [w, counts] of seen) {
      for (let i = 1; i < counts.length; i++) expect(counts[i], `${w}: ${counts.join(',')}`).toBeGreaterThan(counts[i - 1]);
    }
    expect(lastOf(seen)).toEqual(expected);
    again.kill('SIGTERM');
    const second = await again.exited;
    expect(second.code, second.stderr).toBe(0);

    // the second start restored from the checkpoint: it replayed no changelog record (the restore line is printed
    // only for a non-empty restore)
    expect(second.stderr).not.toContain('restor');
    log = await LogStore.open(dataDir);
    const cl = await log.admin.describeTopic('wordcount-word-counts-store-changelog');
    expect(cl.partitions[0].endOffset).toBeGreaterThan(0);
    await log.close();
  }, 90_000);

  it('describe prints app.topology().describe()', async () => {
    const r = await cli(['describe', 'examples/wordcount.ts']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(wordcount.topology().describe());
    const m = await cli(['describe', 'examples/wordcount.ts', '--format', 'mermaid']);
    expect(m.stdout).toBe(wordcount.topology().describe({ format: 'mermaid' }));
  }, 30_000);
});
