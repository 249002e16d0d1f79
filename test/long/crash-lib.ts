/**
 * Shared pieces of the crash tests (test/long/crash.test.ts): a seeded PRNG, temp data dirs, a feeder that keeps
 * appending input through whichever process owns the log, the loop that starts an app and kills it at random
 * moments, the final run to the end, and reading a topic back with a given isolation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { LogStore, type Isolation, type ProducerRecord } from '../../src/log-store/index.ts';
import { AppProcess, sleep } from '../runtime/proc.ts';

/** The benchmarks' seeded PRNG (mulberry32). */
export { rng as mulberry32 } from '../../bench/lib/gen.ts';

const dirs: string[] = [];
/** A fresh data dir, removed by `removeDataDirs` (kept when CRASH_KEEP is set). */
export function tempDataDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function removeDataDirs(): void {
  if (process.env.CRASH_KEEP) return;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** CRASH_LOG=<file>: one line per run, to watch a long run. */
export const progress = (line: string) => {
  if (process.env.CRASH_LOG) fs.appendFileSync(process.env.CRASH_LOG, `${new Date().toISOString()} ${line}\n`);
};

export async function createTopics(dataDir: string, topics: Record<string, number>): Promise<void> {
  const log = await LogStore.open(dataDir);
  for (const [t, partitions] of Object.entries(topics)) await log.admin.createTopic(t, { partitions });
  await log.close();
}

/**
 * Appends `batch()` every 50 ms through the running owner while it is up; when the owner dies, reconnects to the
 * next one. The records of a send that fails (owner killed) may or may not be in: references are computed from
 * what the input topics really hold.
 */
export class Feeder {
  private stopped = false;
  sent = 0;
  private readonly done: Promise<void>;
  constructor(private readonly dataDir: string, private readonly batch: () => ProducerRecord[]) {
    this.done = this.run();
  }
  private async run(): Promise<void> {
    while (!this.stopped) {
      let log: LogStore | null = null;
      try {
        log = await LogStore.connect(this.dataDir);
        const p = log.producer();
        while (!this.stopped) {
          const batch = this.batch();
          await p.sendBatch(batch);
          this.sent += batch.length;
          await sleep(50);
        }
      } catch {
        await sleep(50); // the owner is down (killed) or not up yet
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

export interface KillFigures {
  kills: number;
  cleanStops: number;
  doubleSignals: number;
  killedDuringRestore: number;
}

/**
 * Starts the app `maxKills`+ times and SIGKILLs it at a random moment (700..3300 ms after the spawn: module loading,
 * restore, steady processing and commits). Now and then (runs 4, 13, 22, … and 7, 20, 33, …) it stops gracefully
 * with SIGTERM instead (exit 0, checkpoints), or with a second SIGTERM shortly after the first (exit at once).
 */
export async function killRuns(args: string[], rand: () => number, maxKills: number, label: string): Promise<KillFigures> {
  const f: KillFigures = { kills: 0, cleanStops: 0, doubleSignals: 0, killedDuringRestore: 0 };
  for (let run = 0; f.kills < maxKills; run++) {
    const app = new AppProcess(args);
    progress(`${label} run ${run} kills ${f.kills}`);
    if (run % 9 === 4 || run % 13 === 7) {
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
        f.doubleSignals++;
        // 130: the second signal cut the stop short; 0: the stop finished first; null: the second signal landed
        // while the process was already exiting after a clean stop (killed by the default SIGTERM action).
        expect([0, 130, null], r.stderr).toContain(r.code);
        if (r.code === null) expect(r.stderr).toContain('stopped cleanly');
      } else {
        f.cleanStops++;
        expect(r.code, r.stderr).toBe(0);
      }
      continue;
    }
    const delay = 700 + Math.floor(rand() * 2600);
    const exited = await Promise.race([app.exited.then(() => true), sleep(delay).then(() => false)]);
    if (exited) throw new Error(`the app exited by itself before its kill (run ${run}):\n${app.stderr}`);
    if (app.stderr.includes('restoring') && !app.stderr.includes('running on')) f.killedDuringRestore++;
    app.kill('SIGKILL');
    const r = await app.exited;
    expect(r.signal).toBe('SIGKILL');
    f.kills++;
  }
  return f;
}

/**
 * The final run: starts the app, waits until group `groupId` has read everything (lag 0 on each of the
 * `inputPartitions` input partitions, <= 1 on repartition topics, which end with a commit marker under
 * exactly_once) three polls in a row, then stops it with SIGTERM and expects exit 0.
 */
export async function runToEnd(args: string[], dataDir: string, groupId: string, inputTopics: string[], inputPartitions: number): Promise<void> {
  const last = new AppProcess(args);
  await last.waitFor('running on', 120_000);
  const client = await LogStore.connect(dataDir);
  let caughtUp = 0;
  for (let i = 0; caughtUp < 3; i++) {
    if (i > 1200) throw new Error('the final run did not catch up within 120 s');
    const lag = await client.admin.groupLag(groupId);
    const inputs = lag.filter((l) => inputTopics.includes(l.topic));
    const done = inputs.length === inputPartitions && lag.every((l) => l.lag <= (inputTopics.includes(l.topic) ? 0 : 1));
    caughtUp = done ? caughtUp + 1 : 0;
    await sleep(100);
  }
  await client.close();
  last.kill('SIGTERM');
  const end = await last.exited;
  expect(end.code, end.stderr).toBe(0);
}

export interface ReadRecord { partition: number; offset: number; timestamp: number; key: string; value: Uint8Array | null }

export async function readTopic(log: LogStore, topic: string, isolation: Isolation): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  for (const p of (await log.admin.describeTopic(topic)).partitions) {
    let off = p.startOffset;
    while (off < p.endOffset) {
      const { records, next } = await log.read({ topic, partition: p.partition }, off, 50_000, { isolation });
      for (const r of records) out.push({ partition: p.partition, offset: r.offset, timestamp: r.timestamp, key: Buffer.from(r.key!).toString(), value: r.value });
      if (next <= off) break;
      off = next;
    }
  }
  return out;
}
