/**
 * Restore under exactly_once when the changelog ends on a transaction marker: the last offset of each changelog
 * partition (end offset - 1) is a control record no reader ever receives, so a restore that waited for a record at
 * that offset would never end. (1) A clean stop leaves a commit marker last: with the state dir deleted the restart
 * rebuilds the counts from the changelog and goes on counting. (2) kill -9 in the middle of a transaction leaves
 * records of an open transaction in the changelog; the restart (the unclean stop wipes the local state) restores
 * only the committed records (with a new transactional id it waits until the broker aborts that transaction), and
 * the counts are exact. kcat (read_committed) is the reader of the outputs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import type { LogClient } from '../../src/log-store/index.ts';
import { AppProcess, sleep } from '../runtime/proc.ts';
import { freshApp } from './fresh-app.ts';
import { kcatConsume } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const CHANGELOG = 'marker-count-counts-changelog';
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

const appArgs = (stateDir: string, commitIntervalMs: number): string[] => ['test/kafka/apps/marker-count-app.ts', '--bootstrap', bootstrap,
  '--state-dir', stateDir, '--guarantee', 'exactly_once', '--config', 'cacheMaxBytes=0', '--config', `commitIntervalMs=${commitIntervalMs}`,
  '--config', 'sessionTimeoutMs=2000'];

/** The app's group deleted (no committed offsets of an earlier case), its topics made again. */
const freshTopics = (log: LogClient): Promise<void> => freshApp(log, bootstrap, 'marker-count', ['marker-input', 'marker-counts'], 2);

let sentSoFar = 0;
async function send(log: LogClient, n: number): Promise<void> {
  const from = sentSoFar;
  sentSoFar += n;
  await log.producer().sendBatch(Array.from({ length: n }, (_, i) => ({ topic: 'marker-input', key: `w${(from + i) % 5}`, value: `r${from + i}` })));
}

/** Waits until `n` outputs are committed (kcat, read_committed), or fails after `ms`. */
async function committedOutputs(n: number, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  let got = 0;
  while ((got = kcatConsume(bootstrap, 'marker-counts', 'read_committed').length) < n) {
    if (Date.now() > end) throw new Error(`only ${got} of ${n} outputs were committed within ${ms} ms`);
    await sleep(300);
  }
}

/** The count of every word is 1..sent/5, each once (kcat, read_committed). */
function expectExactCounts(total: number): void {
  const perWord = new Map<string, number[]>();
  for (const r of kcatConsume(bootstrap, 'marker-counts', 'read_committed', { int64Values: true })) (perWord.get(r.key!) ?? perWord.set(r.key!, []).get(r.key!)!).push(Number(r.value));
  expect([...perWord.keys()].sort()).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
  for (const [w, counts] of perWord) expect(counts.sort((a, b) => a - b), `counts of ${w}`).toEqual(Array.from({ length: total / 5 }, (_, i) => i + 1));
}

/** Sum of the records the app reported restoring from the counts changelog. */
const restoredRecords = (stderr: string): number =>
  [...stderr.matchAll(/restored counts \(marker-count-counts-changelog-\d\) from offset \d+: (\d+) records/g)].reduce((n, m) => n + Number(m[1]), 0);

describe('exactly_once restore when the changelog ends on a transaction marker', () => {
  it('a clean stop leaves a commit marker last; with the state dir deleted the restart restores to it and counts on', async () => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      await freshTopics(log);
      sentSoFar = 0;
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-marker-'));
      dirs.push(stateDir);
      await send(log, 300);
      const first = new AppProcess(appArgs(stateDir, 200));
      try {
        await first.waitFor('running on Kafka', 90_000);
        await committedOutputs(300);
      } finally {
        first.child.kill('SIGTERM');
      }
      expect((await first.exited).code, first.stderr).toBe(0);
      // every changelog partition ends on a control record: the end offset is past the last data record + 1
      const changelog = kcatConsume(bootstrap, CHANGELOG, 'read_uncommitted');
      expect(changelog).toHaveLength(300);
      const desc = await log.admin.describeTopic(CHANGELOG);
      for (const p of desc.partitions) {
        const lastData = Math.max(-1, ...changelog.filter((r) => r.partition === p.partition).map((r) => r.offset));
        expect(lastData, `changelog partition ${p.partition} has records`).toBeGreaterThanOrEqual(0);
        expect(p.endOffset, `changelog partition ${p.partition}: the last offset is a transaction marker`).toBe(lastData + 2);
        expect(p.lastStableOffset).toBe(p.endOffset);
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
      await send(log, 200);
      const began = Date.now();
      const second = new AppProcess(appArgs(stateDir, 200));
      try {
        await second.waitFor(/restored counts \(marker-count-counts-changelog-1\)/, 90_000);
        await second.waitFor(/restored counts \(marker-count-counts-changelog-0\)/, 30_000);
        process.stderr.write(`restore-marker: restart with the state dir deleted restored in ${Date.now() - began} ms (incl. start)\n`);
        await committedOutputs(500);
      } finally {
        second.child.kill('SIGTERM');
      }
      expect((await second.exited).code, second.stderr).toBe(0);
      expect(restoredRecords(second.stderr), second.stderr).toBe(300);
      expectExactCounts(500);
    } finally {
      await log.close();
    }
  });

  it.each([
    { name: 'the same state dir (the same transactional.id: its open transaction is aborted when the producer starts)', wipe: false },
    { name: 'the state dir deleted (a new transactional.id: the open transaction stays until its timeout; restore ends at the last stable offset)', wipe: true },
  ])('kill -9 mid-transaction, restart with $name: only the committed changelog records are restored; counts are exact', async ({ wipe }) => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      await freshTopics(log);
      sentSoFar = 0;
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-marker-'));
      dirs.push(stateDir);
      await send(log, 200);
      const first = new AppProcess(appArgs(stateDir, 200));
      await first.waitFor('running on Kafka', 90_000);
      await committedOutputs(200);
      first.child.kill('SIGTERM');
      expect((await first.exited).code, first.stderr).toBe(0);
      const t1 = Date.now();
      // a long commit interval: the changelog records of the next 100 inputs sit in an open transaction when the kill comes
      const killed = new AppProcess(appArgs(stateDir, 60_000));
      await killed.waitFor('running on Kafka', 90_000);
      await send(log, 100);
      const end = Date.now() + 60_000;
      while (kcatConsume(bootstrap, CHANGELOG, 'read_uncommitted').length < 300) {
        if (Date.now() > end) throw new Error(`the killed run's changelog records did not arrive; its log:\n${killed.stderr}`);
        await sleep(200);
      }
      process.stderr.write(`restore-marker: killed run started and wrote its open transaction in ${Date.now() - t1} ms\n`);
      killed.child.kill('SIGKILL');
      await killed.exited;
      const committed = kcatConsume(bootstrap, CHANGELOG, 'read_committed').length;
      const written = kcatConsume(bootstrap, CHANGELOG, 'read_uncommitted').length;
      expect(committed, 'the clean run\'s changelog records are committed').toBe(200);
      expect(written, 'the killed transaction\'s changelog records were written, not committed').toBe(300);
      // where the killed transaction begins on each changelog partition: the last stable offset stops there while it is open
      const openAt = new Map<number, number>();
      if (wipe) {
        fs.rmSync(stateDir, { recursive: true, force: true });
        for (const p of (await log.admin.describeTopic(CHANGELOG)).partitions) {
          expect(p.lastStableOffset, `changelog partition ${p.partition}: the killed transaction is still open`).toBeLessThan(p.endOffset);
          openAt.set(p.partition, p.lastStableOffset);
        }
      }
      await send(log, 100);
      const t0 = Date.now();
      const restart = new AppProcess(appArgs(stateDir, 200));
      try {
        await restart.waitFor(/restored counts \(marker-count-counts-changelog-0\)/, 90_000);
        await restart.waitFor(/restored counts \(marker-count-counts-changelog-1\)/, 30_000);
        const restoredIn = Date.now() - t0;
        process.stderr.write(`restore-marker: restart after kill -9 (${wipe ? 'state dir deleted' : 'same state dir'}) restored in ${restoredIn} ms (incl. start)\n`);
        if (wipe) {
          // an active restore under exactly_once waits for the open transaction to end (the broker aborts it after
          // the 10 s timeout): records another owner committed after it would be missed otherwise (scale-out.test.ts)
          expect(restart.stderr).toMatch(/restore of counts \(marker-count-counts-changelog-\d\) waits at offset \d+ of \d+ for a transaction still open/);
          // the killed transaction has ended (aborted) on every partition: the last stable offset is past where it began
          // (not necessarily at the end: the restarted app may already have opened a transaction of its own)
          const stillOpen = (await log.admin.describeTopic(CHANGELOG)).partitions.filter((p) => p.lastStableOffset <= openAt.get(p.partition)!);
          expect(stillOpen, `the killed transaction was still open when the restore had finished (${restoredIn} ms after the restart)`).toEqual([]);
        }
        await committedOutputs(400);
        process.stderr.write(`restore-marker: all 400 outputs committed ${Date.now() - t0} ms after the restart (${wipe ? 'after the killed transaction timed out' : 'same state dir'})\n`);
        // and nothing more comes: every input counted once
        await sleep(1500);
      } finally {
        restart.child.kill('SIGTERM');
      }
      expect((await restart.exited).code, restart.stderr).toBe(0);
      if (!wipe) expect(restart.stderr).toMatch(/unclean stop\): wiped, restoring from the changelogs/);
      expect(restoredRecords(restart.stderr), restart.stderr).toBe(200);
      expectExactCounts(400);
      expect(kcatConsume(bootstrap, 'marker-counts', 'read_committed')).toHaveLength(400);
    } finally {
      await log.close();
    }
  });
});
