/**
 * A checkpoint outside its changelog (records past it deleted, or the topic recreated): the task's local state
 * cannot be brought up to date from it, so the store is wiped and restored from the start of the changelog.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore, serdes } from '../../src/index.ts';
import { resolveConfig } from '../../src/runtime/config.ts';
import { AppRunner } from '../../src/runtime/runner/app-runner.ts';
import type { RestoreProgress } from '../../src/runtime/runner/restore.ts';
import app from '../long/apps/count-app.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('a checkpoint outside the changelog', () => {
  it('wipes the store and restores the whole changelog; counts go on from the right values', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-range-'));
    dirs.push(dataDir);
    const stateDir = path.join(dataDir, 'state');
    const store = await LogStore.open(dataDir);
    try {
      await store.admin.createTopic('crash-input', { partitions: 1 });
      const lines: string[] = [];
      const restores: RestoreProgress[] = [];
      const runner = () => new AppRunner({
        log: store, topology: app.topology(), stateDir, createTopics: false,
        config: resolveConfig(app.applicationId, { ...app.config, cacheMaxBytes: 0, commitIntervalMs: 20 }),
        onLog: (l) => lines.push(l), onRestore: (p) => restores.push(p),
      });
      const lastCount = async () => {
        // the output topic appears with the first count
        const end = (await store.offsets({ topic: 'crash-counts', partition: 0 }).catch(() => ({ end: 0 }))).end;
        if (end === 0) return 0;
        const { records } = await store.read({ topic: 'crash-counts', partition: 0 }, end - 1, 1);
        return Number(serdes.int64().deserialize(records[0].value));
      };
      const until = async (n: number) => {
        const stop = Date.now() + 20_000;
        while ((await lastCount()) < n) {
          if (Date.now() > stop) throw new Error(`timed out waiting for count ${n}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const producer = store.producer();
      await producer.sendBatch(Array.from({ length: 50 }, (_, i) => ({ topic: 'crash-input', key: `id${i}`, value: 'w' })));
      let r = runner();
      await r.start();
      await until(50);
      await r.close();
      // the checkpoint now claims an offset the changelog never reached (as after the topic was recreated)
      const file = path.join(stateDir, 'crash-count', '1_0', '.checkpoint');
      const cp = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; offsets: Record<string, number> };
      expect(cp.offsets['crash-count-counts-changelog-0']).toBe(50);
      cp.offsets['crash-count-counts-changelog-0'] = 1_000;
      fs.writeFileSync(file, JSON.stringify(cp));
      restores.length = 0;
      r = runner();
      await r.start();
      expect(lines.some((l) => l.includes('task 1_0: the checkpoint of [counts (checkpoint 1000, changelog 0..50)] is outside its changelog'))).toBe(true);
      expect(restores.filter((p) => p.done && p.store === 'counts').map((p) => [p.from, p.restored])).toEqual([[0, 50]]);
      await producer.sendBatch([{ topic: 'crash-input', key: 'id50', value: 'w' }]);
      await until(51);
      await r.close();
    } finally {
      await store.close();
    }
  });
});
