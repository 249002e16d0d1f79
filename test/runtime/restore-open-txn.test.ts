/**
 * An active task's restore under exactly_once waits for a transaction still open on its changelog (a producer
 * that died mid-transaction) rather than stopping at the last stable offset: records another producer committed
 * after it (the owner that took over) are part of the committed state, and a restore that stopped before them
 * left the store behind the committed input offsets (counts repeated on Kafka with instances killed). A standby's
 * tail (no wait) stops there and reads on later.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';
import { restoreStore } from '../../src/runtime/runner/restore.ts';
import type { StoreHandle } from '../../src/runtime/stores/stores.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A store that records what the restore applied (key -> value). */
function fakeStore(applied: Map<string, string>): StoreHandle {
  const internal = {
    restore(key: Uint8Array, value: Uint8Array | null) { applied.set(Buffer.from(key).toString(), value === null ? '' : Buffer.from(value).toString()); },
    async flush() {},
  };
  return { spec: { name: 'counts' }, internal } as unknown as StoreHandle;
}

describe('restore under read_committed with a transaction left open on the changelog', () => {
  it('an active restore waits for it and gets what was committed after it; a standby tail stops before it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-opentxn-'));
    dirs.push(dir);
    const log = await LogStore.open(dir);
    try {
      await log.admin.createTopic('app-counts-changelog', { partitions: 1 });
      const dead = log.producer({ transactionalId: 'dead' });
      dead.beginTransaction();
      await dead.send({ topic: 'app-counts-changelog', partition: 0, key: 'a', value: 'uncommitted' });
      const next = log.producer({ transactionalId: 'next' });
      next.beginTransaction();
      await next.send({ topic: 'app-counts-changelog', partition: 0, key: 'b', value: 'committed' });
      await next.commitTransaction();

      const tail = new Map<string, string>();
      expect(await restoreStore(log, fakeStore(tail), 'app-counts-changelog', 0, 0, 'read_committed')).toBe(0);
      expect([...tail]).toEqual([]);

      const active = new Map<string, string>();
      const waits: string[] = [];
      const restored = restoreStore(log, fakeStore(active), 'app-counts-changelog', 0, 0, 'read_committed', undefined, { onWait: (m) => waits.push(m) });
      await new Promise((r) => setTimeout(r, 500));
      expect(active.size).toBe(0);
      expect(waits).toHaveLength(1);
      expect(waits[0]).toMatch(/waits at offset 0 of \d+ for a transaction still open/);
      await dead.abortTransaction(); // what the broker does after the dead producer's transaction timeout
      const end = await restored;
      expect([...active]).toEqual([['b', 'committed']]);
      expect(end).toBeGreaterThanOrEqual(2);
    } finally {
      await log.close();
    }
  });
});
