/**
 * A consumer with nothing to fetch (no partition assigned, or all paused: a stream thread holding standby tasks
 * only) waits out each poll's timeout. K2's standby-only instances warned "MaxListenersExceededWarning: 11 abort
 * listeners": every idle poll left a listener on the consumer's close signal, one more per poll, forever.
 */
import fs from 'node:fs';
import { getEventListeners } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('idle polls', () => {
  it('leave no listener behind, and a close still ends a waiting poll at once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-idle-'));
    dirs.push(dir);
    const log = await LogStore.open(dir);
    try {
      await log.admin.createTopic('t', { partitions: 1 });
      const c = log.consumer({ groupId: 'g' });
      const signal = (c as unknown as { abort: AbortController }).abort.signal;
      c.assign([]);
      for (let i = 0; i < 30; i++) expect(await c.poll({ timeoutMs: 1 })).toEqual([]);
      c.assign([{ topic: 't', partition: 0 }]);
      c.pause([{ topic: 't', partition: 0 }]);
      for (let i = 0; i < 30; i++) expect(await c.poll({ timeoutMs: 1 })).toEqual([]);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
      const t0 = performance.now();
      const waiting = c.poll({ timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 20));
      await c.close();
      expect(await waiting).toEqual([]);
      expect(performance.now() - t0).toBeLessThan(5000);
    } finally {
      await log.close();
    }
  });
});
