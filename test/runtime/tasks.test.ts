/** running.tasks() (API.md section 6): owned tasks with their state and restore progress, with 1 and 2 threads. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore, type RunningApp } from '../../src/index.ts';
import wordcount from '../../examples/wordcount.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function seeded(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-tasks-'));
  dirs.push(dataDir);
  const log = await LogStore.open(dataDir);
  await log.admin.createTopic('text-lines', { partitions: 2 });
  await log.producer().sendBatch(Array.from({ length: 40 }, (_, i) => ({ topic: 'text-lines', key: `k${i}`, value: `w${i % 5} x` })));
  await log.close();
  return dataDir;
}

const until = async (f: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

const processed = (r: RunningApp) => (r.metrics() as { processed: number }).processed;

describe('running.tasks()', () => {
  it('lists every active task of the word count (2 sub-topologies x 2 partitions), with partitions, stores and restores', async () => {
    const dataDir = await seeded();
    let running = await wordcount.start({ dataDir, commitIntervalMs: 50 });
    await until(() => processed(running) >= 40 + 80);
    const tasks = running.tasks();
    expect(tasks.map((t) => [t.id, t.type, t.state])).toEqual([
      ['0_0', 'active', 'running'], ['0_1', 'active', 'running'], ['1_0', 'active', 'running'], ['1_1', 'active', 'running'],
    ]);
    expect(tasks[0].partitions).toEqual(['text-lines-0']);
    expect(tasks[2].stores).toEqual(['word-counts-store']);
    expect(tasks.reduce((n, t) => n + t.processed, 0)).toBe(processed(running));
    await running.close();
    fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
    running = await wordcount.start({ dataDir, commitIntervalMs: 50 });
    const restored = running.tasks().filter((t) => t.id.startsWith('1_')).flatMap((t) => t.restore);
    expect(restored.map((r) => [r.store, r.partition, r.done])).toEqual([['word-counts-store', 0, true], ['word-counts-store', 1, true]]);
    expect(restored.reduce((n, r) => n + r.restored, 0)).toBeGreaterThan(0);
    await running.close();
  });

  it('gathers the tasks of every stream thread', async () => {
    const dataDir = await seeded();
    const running = await wordcount.start({ dataDir, numStreamThreads: 2, commitIntervalMs: 50, appModule: new URL('../../examples/wordcount.ts', import.meta.url).href });
    try {
      await until(() => running.tasks().length === 4);
      expect(running.tasks().map((t) => t.id)).toEqual(['0_0', '0_1', '1_0', '1_1']);
    } finally {
      await running.close();
    }
  });
});
