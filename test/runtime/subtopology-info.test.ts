/** What a stream thread tells its group about the topology (StreamsMemberInfo.subtopologies), from the planned topics. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineApp, LogStore, serdes } from '../../src/index.ts';
import { planTopics } from '../../src/runtime/runner/topics.ts';
import { subtopologyInfos } from '../../src/runtime/runner/subtopology-info.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('subtopologyInfos', () => {
  it('splits sources into external and repartition topics, names sinks, changelogs and co-partition groups', async () => {
    const app = defineApp({
      applicationId: 'shop',
      build(b) {
        const customers = b.table('customers', { key: serdes.string(), value: serdes.string() }, { storeName: 'customers-store' });
        b.stream('orders', { key: serdes.string(), value: serdes.string() })
          .selectKey((_k, v) => v)
          .join(customers, (o, c) => `${o}@${c}`, { name: 'with-customer' })
          .groupByKey()
          .count({ storeName: 'per-customer' })
          .toStream()
          .to('counts', { key: serdes.string(), value: serdes.int64() });
      },
    });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-subinfo-'));
    dirs.push(dataDir);
    const log = await LogStore.open(dataDir);
    try {
      await log.admin.createTopic('customers', { partitions: 3 });
      await log.admin.createTopic('orders', { partitions: 2 });
      const topology = app.topology();
      const plan = await planTopics(log, topology, 'shop', false);
      const infos = subtopologyInfos(topology, plan, 'shop');
      expect(infos).toEqual([
        {
          id: '0', partitions: 3, sourceTopics: ['customers'],
          // the re-keyed orders, with the partition count of the table they join (co-partitioning)
          repartitionSourceTopics: [{ name: 'shop-with-customer-repartition', partitions: 3 }], repartitionSinkTopics: [],
          stateChangelogTopics: ['shop-customers-store-changelog', 'shop-per-customer-changelog'],
          copartitionGroups: [['shop-with-customer-repartition', 'customers']],
        },
        {
          id: '1', partitions: 2, sourceTopics: ['orders'], repartitionSourceTopics: [],
          repartitionSinkTopics: ['shop-with-customer-repartition'], stateChangelogTopics: [], copartitionGroups: [],
        },
      ]);
    } finally {
      await log.close();
    }
  });
});
