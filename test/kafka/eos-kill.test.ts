/**
 * exactly_once on Kafka under SIGKILL: the crash test's count app (re-key by word -> repartition topic -> LevelDB
 * count with a changelog -> output) is killed at random moments while input keeps arriving, then run to the end.
 * kcat, reading read_committed, must see for every word exactly the counts 1..n once each: nothing lost, nothing
 * duplicated, although killed transactions left aborted records in the output, changelog and repartition topics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import { mulberry32 } from '../long/crash-lib.ts';
import { AppProcess, sleep } from '../runtime/proc.ts';
import { freshApp } from './fresh-app.ts';
import { kcatConsume } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda'];
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** Kills the count app 4 times while input arrives, runs it to the end; returns what was sent and kcat's counts per word. */
async function killLoop(guarantee: 'exactly_once' | 'at_least_once', seed: number): Promise<{ sent: Map<string, number>; perWord: Map<string, number[]>; total: number }> {
  const rand = mulberry32(seed);
  const log = await openKafkaLog({ bootstrapServers: bootstrap });
  await freshApp(log, bootstrap, 'crash-count', ['crash-input', 'crash-counts'], 2);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-eos-'));
  dirs.push(stateDir);
  const sent = new Map<string, number>();
  let id = 0;
  let feeding = true;
  const producer = log.producer();
  const feeder = (async () => {
    while (feeding) {
      const batch = Array.from({ length: 40 }, () => {
        const word = WORDS[Math.floor(rand() * WORDS.length)];
        return { topic: 'crash-input', key: `r${id++}`, value: word };
      });
      await producer.sendBatch(batch);
      for (const r of batch) sent.set(r.value, (sent.get(r.value) ?? 0) + 1);
      await sleep(50);
    }
  })();
  const args = ['test/long/apps/count-app.ts', '--bootstrap', bootstrap, '--state-dir', stateDir, '--guarantee', guarantee,
    '--config', 'cacheMaxBytes=0', '--config', 'sessionTimeoutMs=2000', '--config', 'commitIntervalMs=300'];
  let kills = 0;
  try {
    for (let run = 0; run < 4; run++) {
      const p = new AppProcess(args);
      await p.waitFor('running on Kafka', 90_000);
      await sleep(800 + rand() * 2500);
      p.child.kill('SIGKILL');
      await p.exited;
      kills++;
    }
  } finally {
    feeding = false;
    await feeder;
  }
  const total = [...sent.values()].reduce((a, b) => a + b, 0);
  // how far the killed runs got: committed outputs, and records left by transactions the kills cut short
  const committedBefore = kcatConsume(bootstrap, 'crash-counts', 'read_committed').length;
  const writtenBefore = kcatConsume(bootstrap, 'crash-counts', 'read_uncommitted').length;
  expect(committedBefore, 'the killed runs processed input').toBeGreaterThan(0);
  process.stderr.write(`${guarantee} kill runs: ${total} inputs sent, ${committedBefore} outputs committed, ${writtenBefore - committedBefore} not committed (aborted or open)\n`);
  const last = new AppProcess(args);
  try {
    await last.waitFor('running on Kafka', 90_000);
    const end = Date.now() + 180_000;
    // done when every input is processed and committed: output complete and no lag on the input partitions
    const lag = async () => (await log.admin.groupLag('crash-count')).filter((l) => l.topic === 'crash-input').reduce((n, l) => n + l.lag, 0);
    while ((kcatConsume(bootstrap, 'crash-counts', 'read_committed', { int64Values: true }).length < total || (await lag()) > 0) && Date.now() < end) await sleep(1000);
  } finally {
    last.child.kill('SIGTERM');
  }
  const done = await last.exited;
  expect(done.code, done.stderr).toBe(0);
  await log.close();
  const perWord = new Map<string, number[]>();
  for (const r of kcatConsume(bootstrap, 'crash-counts', 'read_committed', { int64Values: true })) {
    (perWord.get(r.key!) ?? perWord.set(r.key!, []).get(r.key!)!).push(Number(r.value));
  }
  expect(kills).toBe(4);
  return { sent, perWord, total };
}

describe('the count app on Kafka under SIGKILL', () => {
  it('exactly_once: committed output (kcat, read_committed) has every count exactly once', async () => {
    const { sent, perWord, total } = await killLoop('exactly_once', 12);
    for (const [word, n] of sent) {
      const counts = (perWord.get(word) ?? []).sort((a, b) => a - b);
      expect(counts, `counts of '${word}'`).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    expect([...perWord.keys()].sort()).toEqual([...sent.keys()].sort());
    // the killed transactions did leave records that only read_uncommitted readers see
    const uncommitted = kcatConsume(bootstrap, 'crash-counts', 'read_uncommitted', { int64Values: true }).length;
    process.stderr.write(`eos-kill: ${total} inputs, 4 kills, ${uncommitted - total} aborted output records\n`);
  });

  it('at_least_once: nothing is lost (every count 1..n is in the output; replays may count past n)', async () => {
    const { sent, perWord, total } = await killLoop('at_least_once', 34);
    let extra = 0;
    for (const [word, n] of sent) {
      const counts = perWord.get(word) ?? [];
      const distinct = new Set(counts);
      const missing = Array.from({ length: n }, (_, i) => i + 1).filter((c) => !distinct.has(c));
      expect(missing, `counts of '${word}' missing from the output`).toEqual([]);
      extra += counts.length - n;
    }
    process.stderr.write(`alos-kill: ${total} inputs, 4 kills, ${extra} outputs beyond one per input (replayed after kills)\n`);
  });
});
