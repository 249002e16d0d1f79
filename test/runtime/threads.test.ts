import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogStore, serdes } from '../../src/index.ts';
import wordcount from '../../examples/wordcount.ts';

describe('numStreamThreads: tasks spread over worker threads', () => {
  it('counts words with 2 threads over 4 partitions, each thread loading the app module itself', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-threads-'));
    try {
      let log = await LogStore.open(dataDir);
      await log.admin.createTopic('text-lines', { partitions: 4 });
      const lines = Array.from({ length: 200 }, (_, i) => ({ topic: 'text-lines', key: `k${i}`, value: `w${i % 7} common` }));
      await log.producer().sendBatch(lines);
      await log.close();
      const running = await wordcount.start({ dataDir, numStreamThreads: 2, commitIntervalMs: 50, appModule: new URL('../../examples/wordcount.ts', import.meta.url).href });
      const deadline = Date.now() + 20_000;
      while ((running.metrics() as { processed: number }).processed < 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((running.metrics() as { threads: number }).threads).toBe(2);
      expect(() => running.store('word-counts-store')).toThrow(/numStreamThreads: 1/);
      const lagOf = () => (running.metrics() as { lag: Record<string, number> }).lag;
      while ([0, 1, 2, 3].some((p) => lagOf()[`text-lines-${p}`] !== 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const lag = lagOf();
      expect([0, 1, 2, 3].map((p) => lag[`text-lines-${p}`])).toEqual([0, 0, 0, 0]);
      expect((await running.lag())['text-lines-0']).toBe(0);
      await running.close();
      log = await LogStore.open(dataDir);
      const last = new Map<string, number>();
      for (const p of (await log.admin.describeTopic('word-counts')).partitions) {
        const { records } = await log.read({ topic: 'word-counts', partition: p.partition }, 0, 100_000);
        for (const r of records) last.set(serdes.string().deserialize(r.key), serdes.int64().deserialize(r.value));
      }
      await log.close();
      expect(last.get('common')).toBe(200);
      expect(last.get('w0')).toBe(29);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
