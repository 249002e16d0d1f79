/**
 * A broker restart while the app runs (at_least_once): the app waits and retries (it logs what it waits for),
 * keeps running, and loses nothing. This file starts a broker of its own (scripts/kafka/broker.sh), since it
 * restarts it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import type { LogClient } from '../../src/log-store/index.ts';
import { AppProcess, sleep } from '../runtime/proc.ts';
import { kcatConsume } from './kcat.ts';

const script = path.resolve('scripts/kafka/broker.sh');
const brokerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-restart-broker-'));
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-restart-state-'));
let bootstrap = '';
const broker = (cmd: 'start' | 'stop' | 'restart') => execFileSync('bash', [script, cmd, brokerDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

beforeAll(() => { bootstrap = broker('start'); });
afterAll(() => {
  broker('stop');
  for (const d of [brokerDir, stateDir]) fs.rmSync(d, { recursive: true, force: true });
});

async function send(log: LogClient, from: number, n: number): Promise<void> {
  await log.producer().sendBatch(Array.from({ length: n }, (_, i) => ({ topic: 'crash-input', key: `r${from + i}`, value: `w${(from + i) % 7}` })));
}

describe('broker restart mid-run', () => {
  it('at_least_once: the app rides out the restart and every input is counted', async () => {
    let log = await openKafkaLog({ bootstrapServers: bootstrap });
    await log.admin.createTopic('crash-input', { partitions: 2 });
    await log.admin.createTopic('crash-counts', { partitions: 2 });
    const app = new AppProcess(['test/long/apps/count-app.ts', '--bootstrap', bootstrap, '--state-dir', stateDir,
      '--config', 'cacheMaxBytes=0', '--config', 'commitIntervalMs=300']);
    try {
      await app.waitFor('running on Kafka', 90_000);
      await send(log, 0, 2000);
      await log.close();
      await sleep(300);
      broker('restart');
      log = await openKafkaLog({ bootstrapServers: bootstrap });
      await send(log, 2000, 2000);
      const lag = async () => (await log.admin.groupLag('crash-count')).filter((l) => l.topic === 'crash-input').reduce((n, l) => n + l.lag, 0);
      const end = Date.now() + 180_000;
      while ((kcatConsume(bootstrap, 'crash-counts', 'read_uncommitted').length < 4000 || (await lag()) > 0) && Date.now() < end) await sleep(1000);
      expect(app.child.exitCode, app.stderr).toBeNull();
    } finally {
      app.child.kill('SIGTERM');
    }
    const done = await app.exited;
    expect(done.code, done.stderr).toBe(0);
    await log.close();
    const perWord = new Map<string, Set<number>>();
    for (const r of kcatConsume(bootstrap, 'crash-counts', 'read_committed', { int64Values: true })) (perWord.get(r.key!) ?? perWord.set(r.key!, new Set()).get(r.key!)!).add(Number(r.value));
    for (let w = 0; w < 7; w++) {
      const n = Math.ceil((4000 - w) / 7);
      const missing = Array.from({ length: n }, (_, i) => i + 1).filter((c) => !perWord.get(`w${w}`)?.has(c));
      expect(missing, `counts of w${w} missing`).toEqual([]);
    }
    process.stderr.write(`broker-restart: app log:\n${done.stderr.split('\n').filter((l) => l.startsWith('kafka:')).slice(0, 8).join('\n')}\n`);
  });
});
