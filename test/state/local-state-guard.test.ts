/**
 * The runtime's CheckpointGuard (a LocalStateGuard) against persistent stores: every write to disk outside a
 * restore deletes the task's checkpoint first (a commit's write-down, a background write-down between commits, a
 * range's write-down, a segment drop), and a dirty close drops what was not written down.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointGuard, readCheckpoint } from '../../src/runtime/runner/checkpoint.ts';
import { LevelDbBytesStore } from '../../src/state/leveldb-store.ts';
import { SegmentedBytesStore } from '../../src/state/segmented-store.ts';
import { bytes, collect, fakeContext, tempTaskDir, text } from './helpers.ts';

/** Lets queued promise work (a background write-down, a segment drop) start. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(): { dir: string; guard: CheckpointGuard; file: string } {
  const { dir, cleanup } = tempTaskDir();
  cleanups.push(cleanup);
  const guard = new CheckpointGuard(dir, false);
  guard.checkpoint({ 'app-kv-changelog-0': 7 });
  return { dir, guard, file: join(dir, '.checkpoint') };
}

describe('checkpoint guard and persistent stores', () => {
  it('a restore keeps the checkpoint; the first write-down deletes it; a new checkpoint holds until the next one', async () => {
    const { dir, guard, file } = setup();
    const s = new LevelDbBytesStore();
    await s.init(fakeContext({ taskDir: dir, localState: guard }), 'kv');
    s.bulkRestore(true);
    s.restore(bytes('r'), bytes('1'));
    s.bulkRestore(false);
    await s.flush();
    expect(readCheckpoint(dir)).toEqual({ 'app-kv-changelog-0': 7 });
    s.put(bytes('a'), bytes('1'));
    expect(existsSync(file)).toBe(true); // buffered only
    await s.flush();
    expect(existsSync(file)).toBe(false);
    guard.checkpoint({ 'app-kv-changelog-0': 8 });
    await s.flush(); // nothing pending: nothing written, the checkpoint stays true
    expect(readCheckpoint(dir)).toEqual({ 'app-kv-changelog-0': 8 });
    s.put(bytes('b'), bytes('2'));
    await collect(s.range({ from: null, to: null })); // a range writes the pending writes down first
    expect(existsSync(file)).toBe(false);
    await s.close();
  });

  it('a background write-down between commits (20,000 pending keys) deletes the checkpoint before writing', async () => {
    const { dir, guard, file } = setup();
    const s = new LevelDbBytesStore();
    await s.init(fakeContext({ taskDir: dir, localState: guard }), 'kv');
    for (let i = 0; i < 19_999; i++) s.put(bytes(`k${i}`), bytes('v'));
    await tick();
    expect(existsSync(file)).toBe(true);
    s.put(bytes('k19999'), bytes('v')); // the 20,000th pending key queues a write-down in the background
    await tick();
    expect(existsSync(file)).toBe(false);
    await s.close();
  });

  it('a dirty close drops un-committed writes: the disk keeps what was written down, the checkpoint stays', async () => {
    const { dir, guard } = setup();
    const s = new LevelDbBytesStore();
    await s.init(fakeContext({ taskDir: dir, localState: guard }), 'kv');
    s.put(bytes('committed'), bytes('1'));
    await s.flush();
    guard.checkpoint({ 'app-kv-changelog-0': 9 });
    s.put(bytes('uncommitted'), bytes('2'));
    guard.dirty = true;
    await s.close();
    expect(readCheckpoint(dir)).toEqual({ 'app-kv-changelog-0': 9 });
    const again = new LevelDbBytesStore();
    await again.init(fakeContext({ taskDir: dir }), 'kv');
    expect(text(again.get(bytes('committed'))!)).toBe('1');
    expect(again.get(bytes('uncommitted'))).toBeUndefined();
    await again.close();
  });

  it('segments of a window store share the guard: their write-down and a segment drop delete the checkpoint', async () => {
    const { dir, guard, file } = setup();
    const key = (t: number) => { const b = new Uint8Array(9); new DataView(b.buffer).setBigInt64(0, BigInt(t)); b[8] = 1; return b; };
    const time = (k: Uint8Array) => Number(new DataView(k.buffer, k.byteOffset).getBigInt64(0));
    const s = new SegmentedBytesStore('leveldb', 'rocksdb', time, 1000, 500);
    await s.init(fakeContext({ taskDir: dir, localState: guard }), 'win');
    s.put(key(100), bytes('a'));
    await s.flush();
    expect(existsSync(file)).toBe(false);
    guard.checkpoint({ 'app-win-changelog-0': 1 });
    s.put(key(5000), bytes('b')); // buffered; stream time 5000: the segment of 100 expires and is dropped now
    await tick();
    expect(existsSync(file)).toBe(false);
    await s.close();
  });
});
