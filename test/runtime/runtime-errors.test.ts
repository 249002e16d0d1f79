/**
 * Runtime errors with real topics: a 'fail' deserialization handler stops `streams-run` (a real process) with a
 * non-zero exit code, the position and the operator, and commits nothing past the failing record;
 * { deadLetterTopic } keeps the original bytes aside and goes on; co-partitioning mistakes stop the app before
 * anything runs, and a repartition topic feeding a join gets the partition count of the other side.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineApp, LogStore, serdes } from '../../src/index.ts';
import { AppProcess, until } from './proc.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-rterr-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

async function seedNumbers(dataDir: string, values: string[]): Promise<void> {
  const log = await LogStore.open(dataDir);
  await log.admin.createTopic('numbers', { partitions: 1 });
  await log.producer().sendBatch(values.map((value, i) => ({ topic: 'numbers', key: `k${i}`, value })));
  await log.close();
}

async function readTopic(log: LogStore, topic: string) {
  if (!(await log.admin.listTopics()).includes(topic)) return [];
  const { records } = await log.read({ topic, partition: 0 }, 0, 1000);
  return records;
}

describe('deserialization errors with real topics', () => {
  it.each(['at_least_once', 'exactly_once'])("'fail' stops streams-run (%s) with exit code 1, names topic/partition/offset/operator and commits nothing past the record", async (guarantee) => {
    const dataDir = tmp();
    await seedNumbers(dataDir, ['{"n":1}', '{"n":2}', 'not json', '{"n":4}']);
    const app = new AppProcess(['test/runtime/apps/json-double.ts', '--data-dir', dataDir, '--guarantee', guarantee]);
    const r = await app.exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deserialization error at topic numbers, partition 0, offset 2, operator KSTREAM-SOURCE-0000000000/);
    expect(r.stderr).toContain('deserializationExceptionHandler');
    const log = await LogStore.open(dataDir);
    const lag = await log.admin.groupLag('json-double');
    const committed = lag.find((l) => l.topic === 'numbers')?.committedOffset ?? 0;
    expect(committed).toBeLessThanOrEqual(2);
    // the records after the bad one were never processed
    expect((await readTopic(log, 'doubled')).map((x) => text(x.value))).not.toContain('8');
    await log.close();
  }, 30_000);

  it('{ deadLetterTopic } writes the original bytes there with the position in headers, and processing goes on', async () => {
    const dataDir = tmp();
    await seedNumbers(dataDir, ['{"n":1}', 'not json', '{"n":4}']);
    const app = new AppProcess(['test/runtime/apps/json-double.ts', '--data-dir', dataDir], { TRIB_DLT: 'numbers-dlq' });
    await app.waitFor('running on');
    const client = await LogStore.connect(dataDir);
    await until(async () => (await client.admin.listTopics()).includes('doubled')
      && (await client.offsets({ topic: 'doubled', partition: 0 })).end >= 2, 15_000, 'doubled output');
    await client.close();
    app.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
    const log = await LogStore.open(dataDir);
    expect((await readTopic(log, 'doubled')).map((x) => text(x.value))).toEqual(['2', '8']);
    const dlq = await readTopic(log, 'numbers-dlq');
    expect(dlq).toHaveLength(1);
    expect(text(dlq[0].key)).toBe('k1');
    expect(text(dlq[0].value)).toBe('not json');
    expect(text(dlq[0].headers['__streams.errors.topic'])).toBe('numbers');
    expect(text(dlq[0].headers['__streams.errors.offset'])).toBe('1');
    expect(text(dlq[0].headers['__streams.errors.operator'])).toBe('KSTREAM-SOURCE-0000000000');
    expect((await log.admin.groupLag('json-double')).find((l) => l.topic === 'numbers')?.lag).toBe(0);
    await log.close();
  }, 30_000);
});

describe('topic planning', () => {
  const joinApp = (rekey: boolean) => defineApp({
    applicationId: 'copart',
    build(b) {
      const t = b.table('right', { key: serdes.string(), value: serdes.string() });
      let s = b.stream('left', { key: serdes.string(), value: serdes.string() });
      if (rekey) s = s.selectKey((_k, v) => v);
      s.join(t, (a: string, c: string) => `${a}+${c}`).to('joined', { key: serdes.string(), value: serdes.string() });
    },
  });

  it('co-partitioned inputs with different partition counts are a clear error before anything runs', async () => {
    const dataDir = tmp();
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('left', { partitions: 2 });
    await log.admin.createTopic('right', { partitions: 3 });
    await log.close();
    await expect(joinApp(false).start({ dataDir })).rejects.toThrow(/left: 2 partitions, right: 3 partitions.*co-partitioned/);
    const again = await LogStore.open(dataDir);
    expect((await again.admin.listTopics()).sort()).toEqual(['left', 'right']); // no internal topics created
    await again.close();
    expect(fs.existsSync(path.join(dataDir, 'state', 'copart'))).toBe(false);
  });

  it('a repartition topic feeding a join gets the partition count of the co-partitioned table', async () => {
    const dataDir = tmp();
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('left', { partitions: 1 });
    await log.admin.createTopic('right', { partitions: 3 });
    const p = log.producer();
    await p.sendBatch(['a', 'b', 'c'].map((k) => ({ topic: 'right', key: k, value: k.toUpperCase() })));
    await log.close();
    const running = await joinApp(true).start({ dataDir, commitIntervalMs: 50 });
    const repart = (await running.lag());
    const parts = Object.keys(repart).filter((k) => k.includes('-repartition-'));
    expect(parts).toHaveLength(3);
    await running.close();
    // repartition topics keep records whatever their timestamps (no time retention), as in Kafka (KIP-284)
    const after = await LogStore.open(dataDir);
    const name = (await after.admin.listTopics()).find((t) => t.endsWith('-repartition'))!;
    expect((await after.admin.describeTopic(name)).config).toMatchObject({ cleanupPolicy: 'delete', retentionMs: -1 });
    await after.close();
  });
});
