/**
 * Issue 10, part 1: at-least-once must never lose a processed record after a dirty stop. The app is a Processor API
 * dedupe (test/runtime/apps/dedupe.ts: a LevelDB store of seen ids with a changelog; only new ids go on), run as a
 * real `streams-run` process:
 * - a fatal error (the default 'fail' deserialization handler) closes the task dirty: no store write-down, no
 *   checkpoint, so the next run (handler 'continue') processes x1 again and forwards it;
 * - a store written down between commits (a spill of pending writes) is ahead of its checkpoint: the write-down
 *   deletes the checkpoint first, and after a SIGKILL the next run wipes the store and restores it from its changelog.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';
import { AppProcess, until } from './proc.ts';

const APP = 'test/runtime/apps/dedupe.ts';
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-dirty-'));
  dirs.push(d);
  return d;
};
const apps: AppProcess[] = [];
const start = (args: string[]) => {
  const app = new AppProcess(args);
  apps.push(app);
  return app;
};
afterEach(async () => {
  for (const app of apps.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) {
      app.kill('SIGKILL'); // a failed test must not leave its app running
      await app.exited;
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));
const checkpointFile = (dataDir: string) => path.join(dataDir, 'state', 'dedupe', '0_0', '.checkpoint');

async function ids(log: LogStore, topic: string, from = 0): Promise<string[]> {
  const out: string[] = [];
  const { start, end } = await log.offsets({ topic, partition: 0 });
  for (let off = Math.max(from, start); off < end;) {
    const { records, next } = await log.read({ topic, partition: 0 }, off, 50_000);
    for (const r of records) out.push((JSON.parse(text(r.value)!) as { id: string }).id);
    if (next <= off) break;
    off = next;
  }
  return out;
}

async function outputEnd(dataDir: string, atLeast: number, ms = 60_000): Promise<void> {
  const client = await LogStore.connect(dataDir);
  try {
    await until(async () => (await client.admin.listTopics()).includes('events-deduped')
      && (await client.offsets({ topic: 'events-deduped', partition: 0 })).end >= atLeast, ms, `${atLeast} records in events-deduped`);
  } finally {
    await client.close();
  }
}

describe('at-least-once after a dirty stop (issue 10.1)', () => {
  it.each([1, 2])("a fatal error ('fail' handler) loses nothing: run 2 with 'continue' forwards x1 (--threads %i)", async (threads) => {
    const dataDir = tmp();
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('events', { partitions: 1 });
    await log.admin.createTopic('events-deduped', { partitions: 1 });
    await log.producer().sendBatch([
      { topic: 'events', key: 'x1', value: JSON.stringify({ id: 'x1' }) },
      { topic: 'events', key: 'x2', value: 'not json' },
    ]);
    await log.close();

    const run1 = await start([APP, '--data-dir', dataDir, '--threads', String(threads)]).exited;
    expect(run1.code, run1.stderr).toBe(1);
    expect(run1.stderr).toMatch(/deserialization error at topic events, partition 0, offset 1/);
    // The dirty close wrote nothing down and no checkpoint: a checkpoint on disk can only be the one written after
    // the (empty) restore, which still describes the store: empty, nothing of x1 in it or in its changelog.
    if (fs.existsSync(checkpointFile(dataDir))) {
      const cp = JSON.parse(fs.readFileSync(checkpointFile(dataDir), 'utf8')) as { offsets: Record<string, number> };
      expect(cp.offsets).toEqual({ 'dedupe-seen-ids-changelog-0': 0 });
    }

    const run2 = start([APP, '--data-dir', dataDir, '--threads', String(threads), '--config', 'deserializationExceptionHandler=continue']);
    await run2.waitFor('running on');
    await outputEnd(dataDir, 1, 15_000);
    run2.kill('SIGTERM');
    const r2 = await run2.exited;
    expect(r2.code, r2.stderr).toBe(0);

    const after = await LogStore.open(dataDir);
    expect(await ids(after, 'events-deduped')).toEqual(['x1']);
    expect((await after.admin.groupLag('dedupe')).find((l) => l.topic === 'events')?.lag).toBe(0);
    await after.close();
  }, 60_000);

  it('a store written down ahead of its checkpoint is wiped after a SIGKILL and rebuilt: no id is lost', async () => {
    const N = 25_000; // past the LevelDB store's background write-down threshold (20,000 pending keys)
    const dataDir = tmp();
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('events', { partitions: 1 });
    await log.admin.createTopic('events-deduped', { partitions: 1 });
    await log.close();
    const args = [APP, '--data-dir', dataDir, '--config', 'commitIntervalMs=600000'];

    // Run 1: no commit happens (10 min interval). The checkpoint written after the (empty) restore describes the
    // empty store; the write-down of 20,000 pending ids between commits must delete it first.
    const run1 = start(args);
    await run1.waitFor('running on');
    expect(fs.existsSync(checkpointFile(dataDir))).toBe(true);
    const client = await LogStore.connect(dataDir);
    const batch = Array.from({ length: N }, (_, i) => ({ topic: 'events', key: `e${i}`, value: JSON.stringify({ id: `e${i}` }) }));
    await client.producer().sendBatch(batch);
    await client.close();
    await outputEnd(dataDir, N);
    expect(fs.existsSync(checkpointFile(dataDir))).toBe(false);
    run1.kill('SIGKILL');
    expect((await run1.exited).signal).toBe('SIGKILL');

    // Make the crash take every send still in flight (changelog and output records gone; the app recreates its
    // changelog topic), while the store on disk holds at least the 20,000 ids written down. Nothing was committed.
    const cut = await LogStore.open(dataDir);
    expect(await cut.admin.groupLag('dedupe')).toEqual([]);
    await cut.admin.deleteTopic('dedupe-seen-ids-changelog');
    await cut.admin.deleteTopic('events-deduped');
    await cut.admin.createTopic('events-deduped', { partitions: 1 });
    await cut.close();
    const outEnd = 0;

    // Run 2: no checkpoint covers the store: it is wiped and restored from what its changelog really holds, so the
    // replayed input yields every id again.
    const run2 = start(args);
    await run2.waitFor('running on');
    expect(run2.stderr).toMatch(/task 0_0: no checkpoint covers the local state of \[seen-ids\].*wiped, restoring from the changelogs/);
    await outputEnd(dataDir, outEnd + N).catch((e: Error) => {
      throw new Error(`${e.message}\n${run2.stderr}`);
    });
    run2.kill('SIGTERM');
    const r2 = await run2.exited;
    expect(r2.code, r2.stderr).toBe(0);
    expect(fs.existsSync(checkpointFile(dataDir))).toBe(true);

    // Run 3 after the clean stop: the checkpoint covers the store, nothing is wiped, and old ids stay deduplicated.
    const more = await LogStore.open(dataDir);
    await more.producer().sendBatch([{ topic: 'events', key: 'e0', value: JSON.stringify({ id: 'e0' }) }, { topic: 'events', key: 'new', value: JSON.stringify({ id: 'new' }) }]);
    await more.close();
    const run3 = start(args);
    await run3.waitFor('running on');
    await outputEnd(dataDir, outEnd + N + 1);
    run3.kill('SIGTERM');
    const r3 = await run3.exited;
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stderr).not.toContain('no checkpoint covers');

    const after = await LogStore.open(dataDir);
    const out = await ids(after, 'events-deduped', outEnd);
    expect(out).toHaveLength(N + 1);
    expect(new Set(out)).toEqual(new Set([...batch.map((b) => b.key), 'new']));
    await after.close();
  }, 120_000);
});
