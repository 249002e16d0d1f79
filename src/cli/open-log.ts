import fs from 'node:fs';
import type { LogClient } from '../log-client/client.ts';
import { LogStore } from '../log-store/index.ts';

export const DEFAULT_DATA_DIR = './.tributary';

/**
 * Opens the log for a CLI verb: a Kafka cluster with --bootstrap; else the data dir, as its owner or through the
 * app that owns it right now. Only verbs that create something (`topics create`, `produce --create-topics`) may
 * create a missing data dir, so that a typo leaves no trace; topics are never created implicitly.
 */
export async function openLog(dataDir: string, opts: { create?: boolean; bootstrap?: string } = {}): Promise<LogClient> {
  if (opts.bootstrap) {
    const { openKafkaLog } = await import('../kafka/index.ts');
    return openKafkaLog({ bootstrapServers: opts.bootstrap, clientId: 'streams-run', retryForMs: 15_000 });
  }
  if (!opts.create && !fs.existsSync(dataDir)) {
    throw new Error(`no data dir at ${dataDir}: nothing has been created there yet (create a topic with 'streams-run topics create <name> --data-dir ${dataDir}', run an app, or pass the right --data-dir).`);
  }
  return LogStore.open(dataDir, { ifLocked: 'connect', maintenanceIntervalMs: 0, autoCreateTopics: false });
}

/** An error naming a missing topic and the topics there are. */
export async function checkTopic(log: LogClient, topic: string, hint: string): Promise<void> {
  const topics = await log.admin.listTopics({ internal: true });
  if (topics.includes(topic)) return;
  const user = topics.filter((t) => !t.startsWith('__'));
  throw new Error(`topic '${topic}' does not exist in ${log.where} (topics: ${user.length ? user.join(', ') : 'none'}); ${hint}`);
}
