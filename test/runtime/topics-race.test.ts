/**
 * Instances of one app starting at once race to create its internal topics (and under the streams protocol the
 * broker creates them too): K2 saw an instance die on TOPIC_EXISTS. Topic planning treats a topic made by someone
 * else between its check and its create as found, and still checks its partition count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineApp, LogStore, serdes } from '../../src/index.ts';
import type { LogClient } from '../../src/log-client/client.ts';
import { LogStoreError } from '../../src/log-client/errors.ts';
import { planTopics } from '../../src/runtime/runner/topics.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const app = defineApp({
  applicationId: 'race',
  build(b) {
    b.stream('in', { key: serdes.string(), value: serdes.string() }).selectKey((_k, v) => v).groupByKey().count({ storeName: 'counts' });
  },
});

/** The log as another instance racing this one sees it: every createTopic finds the topic made just before. */
function racing(log: LogStore, partitionsMadeByOther?: number): LogClient {
  const admin = new Proxy(log.admin, {
    get(target, key) {
      if (key === 'createTopic') {
        return async (name: string, opts: { partitions: number }) => {
          await target.createTopic(name, { ...opts, partitions: partitionsMadeByOther ?? opts.partitions });
          throw new LogStoreError('TOPIC_EXISTS', `topic '${name}' already exists`);
        };
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return Object.create(log, { admin: { value: admin } }) as LogClient;
}

async function openLog(): Promise<LogStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-race-'));
  dirs.push(dir);
  const log = await LogStore.open(dir);
  await log.admin.createTopic('in', { partitions: 3 });
  return log;
}

describe('planTopics when another instance creates the internal topics first', () => {
  it('takes a topic made between its check and its create as found', async () => {
    const log = await openLog();
    try {
      const plan = await planTopics(racing(log), app.topology(), 'race', false);
      expect([...plan.subtopologies.values()].map((s) => s.partitions)).toEqual([3, 3]);
      expect((await log.admin.describeTopic('race-counts-changelog')).partitions).toHaveLength(3);
      expect((await log.admin.listTopics()).filter((t) => t.endsWith('-repartition'))).toHaveLength(1);
    } finally {
      await log.close();
    }
  });

  it('still refuses a topic the other made with another partition count', async () => {
    const log = await openLog();
    try {
      await expect(planTopics(racing(log, 2), app.topology(), 'race', false)).rejects.toThrow(/has 2 partitions but the topology needs 3/);
    } finally {
      await log.close();
    }
  });
});
