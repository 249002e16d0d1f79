/**
 * Under exactly_once a repartition topic is written in transactions, so each of its partitions ends with a commit
 * marker. Once a task has processed everything, the offset it commits must be past that marker (Kafka Streams
 * commits the consumer's position when nothing is buffered), or the group's lag on the repartition topic stays at
 * 1 per partition forever and a fleet that waits for lag 0 never sees it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';
import app from '../long/apps/count-app.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('exactly_once commits past the transaction markers of its inputs', () => {
  it('the group lag on every input, the repartition topic included, reaches 0 once all input is processed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-markers-'));
    dirs.push(dataDir);
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('crash-input', { partitions: 2 });
    await log.producer().sendBatch(Array.from({ length: 100 }, (_, i) => ({ topic: 'crash-input', key: `id${i}`, value: ['a', 'b', 'c'][i % 3] })));
    await log.close();
    const running = await app.start({ dataDir, stateDir: path.join(dataDir, 'state'), processingGuarantee: 'exactly_once', cacheMaxBytes: 0, commitIntervalMs: 50 });
    const client = await LogStore.connect(dataDir);
    try {
      const lags = async () => (await client.admin.groupLag('crash-count')).map((l) => [l.topic, l.partition, l.lag] as const);
      const end = Date.now() + 20_000;
      let last = await lags();
      while ((last.length < 4 || last.some(([, , lag]) => lag !== 0)) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        last = await lags();
      }
      expect(last.filter(([t]) => t.endsWith('-repartition'))).toHaveLength(2);
      expect(last.filter(([, , lag]) => lag !== 0)).toEqual([]);
    } finally {
      await client.close();
      await running.close();
    }
  });
});
