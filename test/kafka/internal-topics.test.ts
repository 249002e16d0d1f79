/**
 * Internal topics on Kafka for a windowed app (the pageviews example): `--create-topics --partitions 3` creates the
 * source topic with 3 partitions; the window store's changelog is `compact,delete` with Kafka Streams' retention
 * (store retention = size + grace, plus windowstore.changelog.additional.retention.ms = 1 day).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import app from '../../examples/pageviews-per-minute.ts';
import { openKafkaLog } from '../../src/kafka/index.ts';

const bootstrap = inject('kafkaBootstrap');
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-internal-'));
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

describe('internal topics on Kafka', () => {
  it('creates the source topic with --partitions and the window changelog with Kafka Streams\' configs', async () => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      await log.admin.createTopic('pageview-counts', { partitions: 3 });
      const running = await app.start({ bootstrapServers: bootstrap, stateDir, createTopics: true, createTopicPartitions: 3 });
      await running.close();
      expect((await log.admin.describeTopic('pageviews')).partitions).toHaveLength(3);
      const topics = (await log.admin.listTopics()).filter((t) => t.startsWith('pageview-counts-'));
      const changelog = await log.admin.describeTopic('pageview-counts-views-per-minute-changelog');
      expect(changelog.partitions).toHaveLength(3);
      expect(changelog.config.cleanupPolicy).toBe('compact,delete');
      expect(changelog.config.retentionMs).toBe(70_000 + 86_400_000);
      process.stderr.write(`internal topics: ${topics.join(', ')}\n`);
    } finally {
      await log.close();
    }
  });
});
