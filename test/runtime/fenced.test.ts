/**
 * Exactly-once: a fenced producer means the tasks are lost, not failed (Kafka's TaskMigratedException). Another
 * producer takes the app's transactional id in the middle of a run; the app closes its tasks dirty, restores them
 * from the changelogs and the committed offsets with a new producer, and goes on: every count is in the committed
 * output exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore, serdes } from '../../src/index.ts';
import { processId } from '../../src/runtime/runner/process-id.ts';
import app from '../long/apps/count-app.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const words = ['a', 'b', 'c', 'd'];
const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ topic: 'crash-input', key: `id${from + i}`, value: words[(from + i) % words.length] }));

describe('a fenced producer under exactly_once', () => {
  it('loses its tasks, restores them and goes on; the committed output has every count exactly once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-fenced-'));
    dirs.push(dataDir);
    const stateDir = path.join(dataDir, 'state');
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('crash-input', { partitions: 2 });
    await log.producer().sendBatch(batch(0, 200));
    await log.close();
    const lines: string[] = [];
    const running = await app.start({
      dataDir, stateDir, processingGuarantee: 'exactly_once', cacheMaxBytes: 0, commitIntervalMs: 50,
      onLog: (l: string) => lines.push(l),
    } as Parameters<typeof app.start>[0]);
    const client = await LogStore.connect(dataDir);
    try {
      const committed = async () => {
        const c = client.consumer({ isolation: 'read_committed', autoOffsetReset: 'earliest' });
        const d = await client.admin.describeTopic('crash-counts').catch(() => null);
        if (!d) return [];
        c.assign(d.partitions.map((p) => ({ topic: 'crash-counts', partition: p.partition })));
        const out: Array<[string, number]> = [];
        for (let got = await c.poll({ timeoutMs: 50 }); got.length; got = await c.poll({ timeoutMs: 50 })) {
          for (const r of got) out.push([serdes.string().deserialize(r.key), serdes.int64().deserialize(r.value)]);
        }
        await c.close();
        return out;
      };
      const until = async (n: number) => {
        const end = Date.now() + 30_000;
        while ((await committed()).length < n) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${n} committed counts`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await until(200);
      // a zombie's nightmare: another producer takes the app's transactional id (bumping its epoch)
      const intruder = client.producer({ transactionalId: `crash-count-${processId(stateDir, 'crash-count')}-1` });
      intruder.beginTransaction();
      await intruder.commitTransaction();
      await client.producer().sendBatch(batch(200, 200));
      await until(400);
      expect(running.error()).toBeNull();
      const out = await committed();
      const byWord = new Map<string, number[]>();
      for (const [w, n] of out) byWord.set(w, [...(byWord.get(w) ?? []), n]);
      for (const w of words) expect(byWord.get(w)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(lines.some((l) => /producer fenced .*its tasks are lost; closing them dirty, then restoring them and going on/.test(l))).toBe(true);
      await intruder.close();
    } finally {
      await client.close();
      await running.close();
    }
  });
});
