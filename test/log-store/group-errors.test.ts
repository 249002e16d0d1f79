/** The consumer surfaces group membership failures (join, leave) instead of swallowing them. */
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/log-store/index.ts';
import { backendOf, LogClient } from '../../src/log-client/client.ts';
import type { LogBackend } from '../../src/log-client/backend.ts';
import { tmpDir } from './helpers.ts';

const open: LogStore[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
});

/** A client over the real log whose group calls fail as a broker's would (e.g. a denied group ACL). */
async function failingGroups(which: 'joinGroup' | 'leaveGroup'): Promise<LogClient> {
  const log = await LogStore.open(tmpDir('group-errors'), { serve: false });
  open.push(log);
  await log.admin.createTopic('t', { partitions: 1 });
  const real = backendOf(log);
  const backend = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === which) return () => Promise.reject(new Error('GROUP_AUTHORIZATION_FAILED: not authorized to access group g'));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as LogBackend;
  return new LogClient(backend, 'a log with failing group calls');
}

describe('consumer group errors', () => {
  it('a failed join is thrown by the next poll, naming the group', async () => {
    const c = (await failingGroups('joinGroup')).consumer({ groupId: 'g' });
    c.subscribe(['t']);
    await expect(c.poll({ timeoutMs: 10 })).rejects.toThrow(/joining group 'g' failed: GROUP_AUTHORIZATION_FAILED/);
    await c.close();
  });

  it('a failed leave is thrown by close()', async () => {
    const c = (await failingGroups('leaveGroup')).consumer({ groupId: 'g' });
    c.subscribe(['t']);
    await c.poll({ timeoutMs: 10 });
    await expect(c.close()).rejects.toThrow(/leaving group 'g' failed: GROUP_AUTHORIZATION_FAILED/);
  });
});
