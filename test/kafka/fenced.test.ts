/**
 * Exactly-once on Kafka: a producer fenced by the broker (another producer with the app's transactional id) loses
 * the thread's tasks; the app restores them from the changelogs and the committed offsets and goes on. kcat,
 * reading read_committed, sees every count exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import { processId } from '../../src/runtime/runner/process-id.ts';
import { AppProcess, sleep } from '../runtime/proc.ts';
import { freshApp } from './fresh-app.ts';
import { kcatConsume } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('a producer fenced by the broker under exactly_once', () => {
  it('loses its tasks, restores them and goes on: kcat read_committed sees every count once', async () => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    await freshApp(log, bootstrap, 'crash-count', ['crash-input', 'crash-counts'], 2);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-fenced-'));
    dirs.push(stateDir);
    const send = (from: number, n: number) => log.producer().sendBatch(Array.from({ length: n }, (_, i) => ({ topic: 'crash-input', key: `r${from + i}`, value: `w${(from + i) % 4}` })));
    const counted = () => kcatConsume(bootstrap, 'crash-counts', 'read_committed', { int64Values: true }).length;
    await send(0, 200);
    const p = new AppProcess(['test/long/apps/count-app.ts', '--bootstrap', bootstrap, '--state-dir', stateDir, '--guarantee', 'exactly_once',
      '--config', 'cacheMaxBytes=0', '--config', 'commitIntervalMs=200', '--config', 'sessionTimeoutMs=2000']);
    try {
      await p.waitFor('running on Kafka', 90_000);
      for (const end = Date.now() + 60_000; counted() < 200 && Date.now() < end;) await sleep(300);
      // another producer takes the app's transactional id: the broker fences the app's producer
      const intruder = log.producer({ transactionalId: `crash-count-${processId(stateDir, 'crash-count')}-1` });
      intruder.beginTransaction();
      await intruder.commitTransaction();
      await intruder.close();
      await send(200, 200);
      for (const end = Date.now() + 90_000; counted() < 400 && Date.now() < end;) await sleep(300);
    } finally {
      p.child.kill('SIGTERM');
    }
    const done = await p.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/tasks lost \(transactional producer .* was fenced/);
    await log.close();
    const perWord = new Map<string, number[]>();
    for (const r of kcatConsume(bootstrap, 'crash-counts', 'read_committed', { int64Values: true })) (perWord.get(r.key!) ?? perWord.set(r.key!, []).get(r.key!)!).push(Number(r.value));
    for (let w = 0; w < 4; w++) expect(perWord.get(`w${w}`)!.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
