import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore, serdes } from '../../src/index.ts';
import wordcount from '../../examples/wordcount.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-run-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function readAll(log: LogStore, topic: string) {
  const out: Array<{ key: string; value: number }> = [];
  const d = await log.admin.describeTopic(topic);
  for (const p of d.partitions) {
    let off = 0;
    while (true) {
      const { records, next } = await log.read({ topic, partition: p.partition }, off, 1000);
      for (const r of records) out.push({ key: serdes.string().deserialize(r.key), value: serdes.int64().deserialize(r.value) });
      if (next === off || records.length === 0) break;
      off = next;
    }
  }
  return out;
}

const until = async (f: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
};

describe('app.start on the built-in log', () => {
  it('counts words across 2 partitions, commits, and restores from the changelog after the state dir is deleted', async () => {
    const dataDir = tmp();
    let log = await LogStore.open(dataDir);
    await log.admin.createTopic('text-lines', { partitions: 2 });
    const p = log.producer();
    await p.sendBatch([
      { topic: 'text-lines', key: 'a', value: 'the quick brown fox' },
      { topic: 'text-lines', key: 'b', value: 'the lazy dog' },
      { topic: 'text-lines', key: 'c', value: 'The end' },
    ]);
    await log.close();
    let running = await wordcount.start({ dataDir, commitIntervalMs: 50 });
    await until(async () => ((running.metrics() as { processed: number }).processed >= 3 + 9));
    expect(running.store('word-counts-store').get('the')).toBe(3);
    await running.close();

    fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
    log = await LogStore.open(dataDir);
    await log.producer().send({ topic: 'text-lines', key: 'd', value: 'the fox' });
    await log.close();
    running = await wordcount.start({ dataDir, commitIntervalMs: 50 });
    await until(async () => running.store('word-counts-store').get('the') === 4);
    expect(running.store('word-counts-store').get('fox')).toBe(2);
    await running.close();

    log = await LogStore.open(dataDir);
    const out = await readAll(log, 'word-counts');
    const last = new Map(out.map((r) => [r.key, r.value]));
    expect(last.get('the')).toBe(4);
    expect(last.get('dog')).toBe(1);
    await log.close();
  });

  it('refuses to start when a source topic is missing, naming it and the fix', async () => {
    const dataDir = tmp();
    await expect(wordcount.start({ dataDir })).rejects.toThrow(/source topic 'text-lines'.*--create-topics/);
  });
});

describe('metrics of a running app', () => {
  it('show restore progress per changelog partition and consumer lag per input partition', async () => {
    const dataDir = tmp();
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('text-lines', { partitions: 2 });
    await log.producer().sendBatch(Array.from({ length: 50 }, (_, i) => ({ topic: 'text-lines', key: `k${i}`, value: `w${i % 7} common` })));
    await log.close();
    let running = await wordcount.start({ dataDir, commitIntervalMs: 50 });
    await until(async () => running.store('word-counts-store').get('common') === 50);
    await running.close();
    fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });

    running = await wordcount.start({ dataDir, commitIntervalMs: 50 });
    type M = { restore: Array<{ store: string; topic: string; partition: number; from: number; restored: number; total: number; done: boolean }>; lag: Record<string, number>; commits: number };
    const m = running.metrics() as unknown as M;
    const restored = m.restore.filter((r) => r.store === 'word-counts-store');
    expect(restored.length).toBeGreaterThan(0);
    expect(restored.every((r) => r.done && r.from === 0 && r.topic === 'wordcount-word-counts-store-changelog')).toBe(true);
    expect(restored.reduce((a, r) => a + r.restored, 0)).toBeGreaterThanOrEqual(8); // 7 words + 'common'
    expect(running.store('word-counts-store').get('common')).toBe(50);
    await until(async () => (running.metrics() as unknown as M).commits > 0);
    const lag = (running.metrics() as unknown as M).lag;
    expect(lag['text-lines-0']).toBe(0);
    expect(lag['text-lines-1']).toBe(0);
    await running.close();
  });
});
