/**
 * Crash test (npm run test:crash): a count app (test/long/apps/count-app.ts: re-key by word through a repartition
 * topic, count in a LevelDB store with a changelog, every count to `crash-counts`) runs as a real `streams-run`
 * process that is killed with SIGKILL at seeded random moments, many times, while a feeder keeps appending input
 * through LogStore.connect. Then it runs to the end and stops cleanly, and the output is checked against the
 * reference computed from what the input topic really holds:
 * - exactly_once (read_committed): per word the counts are exactly 1..n (n = occurrences in the input), so the
 *   final count is right, with 0 duplicates and 0 gaps;
 * - at_least_once: 0 lost (every word's final count >= n); duplicates are allowed and reported.
 * Some runs end with a graceful SIGTERM (exit 0, checkpoints) or a double SIGTERM (exit at once) instead.
 * Knobs: CRASH_SEED, CRASH_KILLS_EOS, CRASH_KILLS_THREADS, CRASH_KILLS_ALOS, CRASH_FEED_PER_TICK, CRASH_KEEP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogStore, type Isolation } from '../../src/log-store/index.ts';
import { AppProcess, int64, sleep } from '../runtime/proc.ts';

const SEED = Number(process.env.CRASH_SEED ?? 20261125);
const KILLS = { exactly_once: Number(process.env.CRASH_KILLS_EOS ?? 40), at_least_once: Number(process.env.CRASH_KILLS_ALOS ?? 25) };
const KILLS_THREADS = Number(process.env.CRASH_KILLS_THREADS ?? 15);
const FEED_PER_TICK = Number(process.env.CRASH_FEED_PER_TICK ?? 300); // records every 50 ms
const WORDS = 300;
const APP = 'test/long/apps/count-app.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dirs: string[] = [];
/** CRASH_LOG=<file>: one line per run, to watch a long run. */
const progress = (line: string) => {
  if (process.env.CRASH_LOG) fs.appendFileSync(process.env.CRASH_LOG, `${new Date().toISOString()} ${line}\n`);
};
afterAll(() => {
  if (process.env.CRASH_KEEP) return;
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Appends input through the running owner while it is up; when the owner dies, reconnects to the next one. */
class Feeder {
  private stopped = false;
  sent = 0;
  private readonly done: Promise<void>;
  constructor(private readonly dataDir: string, private readonly rand: () => number) {
    this.done = this.run();
  }
  private async run(): Promise<void> {
    let id = 0;
    while (!this.stopped) {
      let log: LogStore | null = null;
      try {
        log = await LogStore.connect(this.dataDir);
        const p = log.producer();
        while (!this.stopped) {
          const batch = [];
          for (let i = 0; i < FEED_PER_TICK; i++) {
            // skewed word choice: a few hot words, a long tail
            const w = Math.floor(WORDS * this.rand() ** 2);
            batch.push({ topic: 'crash-input', key: `r${id++}`, value: `w${w}` });
          }
          await p.sendBatch(batch);
          this.sent += batch.length;
          await sleep(50);
        }
      } catch {
        await sleep(50); // the owner is down (killed) or not up yet: the records of a failed send may or may not be in
      } finally {
        await log?.close().catch(() => undefined);
      }
    }
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

async function readTopic(log: LogStore, topic: string, isolation: Isolation) {
  const out: Array<{ partition: number; offset: number; key: string; value: Uint8Array | null }> = [];
  for (const p of (await log.admin.describeTopic(topic)).partitions) {
    let off = p.startOffset;
    while (off < p.endOffset) {
      const { records, next } = await log.read({ topic, partition: p.partition }, off, 50_000, { isolation });
      for (const r of records) out.push({ partition: p.partition, offset: r.offset, key: Buffer.from(r.key!).toString(), value: r.value });
      if (next <= off) break;
      off = next;
    }
  }
  return out;
}

interface Figures {
  guarantee: string;
  threads: number;
  kills: number;
  cleanStops: number;
  doubleSignals: number;
  killedDuringRestore: number;
  input: number;
  outputCommitted: number;
  outputAborted: number;
  words: number;
  duplicates: number;
  gaps: number;
  wrongFinal: number;
  lost: number;
  overcounted: number;
  seconds: number;
}

async function scenario(guarantee: 'exactly_once' | 'at_least_once', threads = 1): Promise<Figures> {
  const began = Date.now();
  const rand = mulberry32(SEED + (guarantee === 'exactly_once' ? 0 : 1));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `trib-crash-${guarantee}-`));
  dirs.push(dataDir);
  let log = await LogStore.open(dataDir);
  await log.admin.createTopic('crash-input', { partitions: 2 });
  await log.admin.createTopic('crash-counts', { partitions: 2 });
  await log.close();
  const args = [APP, '--data-dir', dataDir, '--guarantee', guarantee, '--config', 'cacheMaxBytes=0', '--config', `commitIntervalMs=${guarantee === 'exactly_once' ? 100 : 200}`, '--threads', String(threads)];

  const feeder = new Feeder(dataDir, mulberry32(SEED * 7 + 3));
  let kills = 0;
  let killedDuringRestore = 0;
  let cleanStops = 0;
  let doubleSignals = 0;
  const maxKills = threads > 1 ? KILLS_THREADS : KILLS[guarantee];
  for (let run = 0; kills < maxKills; run++) {
    const app = new AppProcess(args);
    progress(`${guarantee} threads=${threads} run ${run} kills ${kills} fed ${feeder.sent}`);
    if (run % 9 === 4 || run % 13 === 7) {
      // now and then a graceful stop (checkpoints written), or a second signal that exits at once mid-shutdown
      await app.waitFor('running on', 60_000);
      await sleep(Math.floor(rand() * 800));
      app.kill('SIGTERM');
      const double = run % 13 === 7;
      if (double) {
        await sleep(Math.floor(rand() * 20));
        app.kill('SIGTERM');
      }
      const r = await app.exited;
      if (double) {
        doubleSignals++;
        expect([0, 130], r.stderr).toContain(r.code);
      } else {
        cleanStops++;
        expect(r.code, r.stderr).toBe(0);
      }
      continue;
    }
    // a random moment: from module loading through restore to steady processing and commits
    const delay = 700 + Math.floor(rand() * 2600);
    const exited = await Promise.race([app.exited.then(() => true), sleep(delay).then(() => false)]);
    if (exited) throw new Error(`the app exited by itself before its kill (run ${run}):\n${app.stderr}`);
    if (app.stderr.includes('restoring') && !app.stderr.includes('running on')) killedDuringRestore++;
    app.kill('SIGKILL');
    const r = await app.exited;
    expect(r.signal).toBe('SIGKILL');
    kills++;
  }
  await feeder.stop();

  // run to the end, then a clean stop
  progress(`${guarantee} threads=${threads} final run`);
  const last = new AppProcess(args);
  await last.waitFor('running on', 120_000);
  const client = await LogStore.connect(dataDir);
  let caughtUp = 0;
  for (let i = 0; caughtUp < 3; i++) {
    if (i > 1200) throw new Error('the final run did not catch up within 120 s');
    const lag = await client.admin.groupLag('crash-count');
    const inputs = lag.filter((l) => l.topic === 'crash-input');
    // repartition topics end with a commit marker under exactly_once: lag 1 there is "all read"
    const done = inputs.length === 2 && lag.every((l) => l.lag <= (l.topic === 'crash-input' ? 0 : 1));
    caughtUp = done ? caughtUp + 1 : 0;
    await sleep(100);
  }
  await client.close();
  last.kill('SIGTERM');
  const end = await last.exited;
  expect(end.code, end.stderr).toBe(0);

  // compare with the reference computed from the input that is really in the log
  log = await LogStore.open(dataDir);
  const input = await readTopic(log, 'crash-input', 'read_uncommitted');
  const reference = new Map<string, number>();
  for (const r of input) {
    const w = Buffer.from(r.value!).toString();
    reference.set(w, (reference.get(w) ?? 0) + 1);
  }
  const isolation: Isolation = guarantee === 'exactly_once' ? 'read_committed' : 'read_uncommitted';
  const out = await readTopic(log, 'crash-counts', isolation);
  const all = guarantee === 'exactly_once' ? await readTopic(log, 'crash-counts', 'read_uncommitted') : out;
  await log.close();
  const seqs = new Map<string, number[]>();
  for (const r of out.sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const s = seqs.get(r.key) ?? [];
    s.push(int64(r.value));
    seqs.set(r.key, s);
  }
  let duplicates = 0, gaps = 0, wrongFinal = 0, lost = 0, overcounted = 0;
  for (const [w, n] of reference) {
    const s = seqs.get(w) ?? [];
    const seen = new Set<number>();
    for (const v of s) if (seen.has(v)) duplicates++; else seen.add(v);
    const max = Math.max(0, ...s);
    for (let v = 1; v <= max; v++) if (!seen.has(v)) gaps++;
    const final = s.length ? s[s.length - 1] : 0;
    if (final !== n) wrongFinal++;
    if (final < n) lost += n - final;
    if (final > n) overcounted += final - n;
  }
  const extraWords = [...seqs.keys()].filter((w) => !reference.has(w)).length;
  expect(extraWords).toBe(0);
  return {
    guarantee, threads, kills, cleanStops, doubleSignals, killedDuringRestore, input: input.length, outputCommitted: out.length, outputAborted: all.length - out.length,
    words: reference.size, duplicates, gaps, wrongFinal, lost, overcounted, seconds: Math.round((Date.now() - began) / 1000),
  };
}

describe('crash test: SIGKILL at random moments', () => {
  it('exactly_once: committed output equals the reference, 0 duplicates, 0 gaps', async () => {
    const f = await scenario('exactly_once');
    console.log(`crash test ${JSON.stringify(f)}`);
    expect(f.input).toBeGreaterThan(10_000);
    expect(f.outputAborted).toBeGreaterThan(0); // kills really hit open transactions
    expect(f.outputCommitted).toBe(f.input);
    expect({ duplicates: f.duplicates, gaps: f.gaps, wrongFinal: f.wrongFinal }).toEqual({ duplicates: 0, gaps: 0, wrongFinal: 0 });
  });

  it('exactly_once with --threads 2 (tasks in worker threads, one transactional producer each)', async () => {
    const f = await scenario('exactly_once', 2);
    console.log(`crash test ${JSON.stringify(f)}`);
    expect(f.input).toBeGreaterThan(10_000);
    expect(f.outputCommitted).toBe(f.input);
    expect({ duplicates: f.duplicates, gaps: f.gaps, wrongFinal: f.wrongFinal }).toEqual({ duplicates: 0, gaps: 0, wrongFinal: 0 });
  });

  it('at_least_once: nothing lost', async () => {
    const f = await scenario('at_least_once');
    console.log(`crash test ${JSON.stringify(f)}`);
    expect(f.input).toBeGreaterThan(10_000);
    expect(f.lost).toBe(0);
    expect(f.outputCommitted).toBeGreaterThanOrEqual(f.input);
  });
});
