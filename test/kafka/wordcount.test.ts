/**
 * The word-count example, unchanged, on Kafka with `streams-run --bootstrap`: the outputs kcat reads from Kafka are
 * the test driver's (per key, the same counts in the same order; caching off so that every update is emitted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import app from '../../examples/wordcount.ts';
import { openKafkaLog } from '../../src/kafka/index.ts';
import { TopologyTestDriver, serdes } from '../../src/index.ts';
import { AppProcess, sleep } from '../runtime/proc.ts';
import { kcatConsume, kcatProduce } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const lines = Array.from({ length: 60 }, (_, i) => `the ${['quick', 'lazy', 'brown'][i % 3]} fox number ${i % 7} jumps over the sea ${i % 5}`);
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

async function driverCounts(): Promise<Map<string, string[]>> {
  const driver = new TopologyTestDriver(app);
  const input = driver.createInputTopic('text-lines', serdes.string(), serdes.string());
  const output = driver.createOutputTopic('word-counts', serdes.string(), serdes.int64());
  for (let i = 0; i < lines.length; i++) await input.pipeInput(`line${i}`, lines[i], 1000 + i);
  const perKey = new Map<string, string[]>();
  for (const r of output.readRecordsToList()) (perKey.get(r.key) ?? perKey.set(r.key, []).get(r.key)!).push(String(r.value));
  await driver.close();
  return perKey;
}

describe('word count on Kafka', () => {
  it.each([
    { name: '1 thread, at_least_once', extra: [] as string[] },
    { name: '2 threads, exactly_once', extra: ['--threads', '2', '--guarantee', 'exactly_once'] },
  ])('gives the test driver\'s output (kcat reads it): $name', async ({ extra }) => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    // the example's fixed topic names: start from none (a rerun on a kept broker)
    for (const t of await log.admin.listTopics()) if (t === 'text-lines' || t === 'word-counts' || t.startsWith('wordcount-')) await log.admin.deleteTopic(t);
    await sleep(1000);
    for (const t of ['text-lines', 'word-counts']) await log.admin.createTopic(t, { partitions: 2 });
    await log.close();
    kcatProduce(bootstrap, 'text-lines', lines.map((l, i) => [`line${i}`, l]));
    const expected = await driverCounts();
    const total = [...expected.values()].reduce((n, v) => n + v.length, 0);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-wc-'));
    dirs.push(stateDir);
    const p = new AppProcess(['examples/wordcount.ts', '--bootstrap', bootstrap, '--state-dir', stateDir, '--config', 'cacheMaxBytes=0', '--config', 'commitIntervalMs=200', ...extra]);
    try {
      await p.waitFor('running on Kafka', 60_000);
      const end = Date.now() + 120_000;
      while (kcatConsume(bootstrap, 'word-counts', 'read_uncommitted').length < total && Date.now() < end) await sleep(500);
    } finally {
      p.child.kill('SIGTERM');
    }
    const done = await p.exited;
    expect(done.code, done.stderr).toBe(0);
    const got = new Map<string, string[]>();
    for (const r of kcatConsume(bootstrap, 'word-counts', 'read_committed', { int64Values: true })) (got.get(r.key!) ?? got.set(r.key!, []).get(r.key!)!).push(r.value!);
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...expected].sort()));
    // the changelog and repartition topics have Kafka Streams' names and configs
    const admin = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      const topics = await admin.admin.listTopics();
      expect(topics).toContain('wordcount-word-counts-store-changelog');
      expect(topics.filter((t) => t.startsWith('wordcount-') && t.endsWith('-repartition'))).toHaveLength(1);
      expect((await admin.admin.describeTopic('wordcount-word-counts-store-changelog')).config.cleanupPolicy).toBe('compact');
    } finally {
      await admin.close();
    }
  });
});
