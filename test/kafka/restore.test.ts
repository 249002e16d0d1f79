/**
 * Restore from Kafka: the count app (at_least_once) stops cleanly, and restarts (1) with its state dir deleted —
 * the counts are rebuilt from the changelog topic on the broker — and (2) cleanly with its checkpoint, restoring
 * only the delta (nothing). Counts continue exactly where they were (kcat reads them).
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
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

async function runUntil(args: string[], outputs: number): Promise<string> {
  const p = new AppProcess(args);
  try {
    await p.waitFor('running on Kafka', 90_000);
    const end = Date.now() + 120_000;
    while (kcatConsume(bootstrap, 'crash-counts', 'read_uncommitted').length < outputs && Date.now() < end) await sleep(500);
  } finally {
    p.child.kill('SIGTERM');
  }
  const done = await p.exited;
  expect(done.code, done.stderr).toBe(0);
  return done.stderr;
}

async function send(log: LogClient, from: number, n: number): Promise<void> {
  await log.producer().sendBatch(Array.from({ length: n }, (_, i) => ({ topic: 'crash-input', key: `r${from + i}`, value: `w${(from + i) % 5}` })));
}

describe('restore from Kafka', () => {
  it('rebuilds the stores from the changelog when the state dir is deleted; a clean restart restores nothing', async () => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    await freshApp(log, bootstrap, 'crash-count', ['crash-input', 'crash-counts'], 2);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-restore-'));
    dirs.push(stateDir);
    const args = ['test/long/apps/count-app.ts', '--bootstrap', bootstrap, '--state-dir', stateDir, '--config', 'cacheMaxBytes=0', '--config', 'commitIntervalMs=200', '--config', 'sessionTimeoutMs=2000'];
    await send(log, 0, 500);
    await runUntil(args, 500);
    fs.rmSync(stateDir, { recursive: true, force: true });
    await send(log, 500, 500);
    const rebuilt = await runUntil(args, 1000);
    // 500 count updates went to the changelog (caching off); the rebuild replays all of them
    const restored = [...rebuilt.matchAll(/restored counts \(crash-count-counts-changelog-\d\) from offset 0: (\d+) records/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(restored, rebuilt).toBe(500);
    await send(log, 1000, 500);
    const clean = await runUntil(args, 1500);
    expect(clean, 'a clean restart restores only the delta (none)').not.toMatch(/restored counts/);
    await log.close();
    const perWord = new Map<string, number[]>();
    for (const r of kcatConsume(bootstrap, 'crash-counts', 'read_committed', { int64Values: true })) (perWord.get(r.key!) ?? perWord.set(r.key!, []).get(r.key!)!).push(Number(r.value));
    for (let w = 0; w < 5; w++) expect(perWord.get(`w${w}`)!.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });
});
