import fs from 'node:fs';
import type { Command } from 'commander';
import type { KafkaConfig } from '../kafka/index.ts';
import type { LogClient } from '../log-client/client.ts';
import { parseConfigPairs } from './options.ts';
import { LogStore } from '../log-store/index.ts';

export const DEFAULT_DATA_DIR = './.tributary';

/**
 * Opens the log for a CLI verb: a Kafka cluster with --bootstrap; else the data dir, as its owner or through the
 * app that owns it right now. Only verbs that create something (`topics create`, `produce --create-topics`) may
 * create a missing data dir, so that a typo leaves no trace; topics are never created implicitly.
 */
export async function openLog(dataDir: string, opts: { create?: boolean; bootstrap?: string; config?: string[] } = {}): Promise<LogClient> {
  const settings = kafkaSettings(opts.config ?? []);
  if (opts.bootstrap) {
    const { kafkaOptionsFromConfig, openKafkaLog } = await import('../kafka/index.ts');
    return openKafkaLog({ ...kafkaOptionsFromConfig({ clientId: 'streams-run', ...settings, bootstrapServers: opts.bootstrap }), retryForMs: 15_000 });
  }
  if (Object.keys(settings).length) throw new Error(`--config ${Object.keys(settings).join(', ')}: Kafka connection settings apply with --bootstrap only.`);
  if (!opts.create && !fs.existsSync(dataDir)) {
    throw new Error(`no data dir at ${dataDir}: nothing has been created there yet (create a topic with 'streams-run topics create <name> --data-dir ${dataDir}', run an app, or pass the right --data-dir).`);
  }
  return LogStore.open(dataDir, { ifLocked: 'connect', maintenanceIntervalMs: 0, autoCreateTopics: false });
}

/** An error naming a missing topic and the topics there are. */
export async function checkTopic(log: LogClient, topic: string, hint: string): Promise<void> {
  const topics = await log.admin.listTopics({ internal: true });
  if (topics.includes(topic)) return;
  // a Kafka cluster hides the topics a principal may not describe: asking for this one names the missing ACL
  await log.admin.describeTopic(topic).catch((e: unknown) => {
    if ((e as { code?: string }).code === 'NOT_AUTHORIZED') throw e;
  });
  const user = topics.filter((t) => !t.startsWith('__'));
  throw new Error(`topic '${topic}' does not exist in ${log.where} (topics: ${user.length ? user.join(', ') : 'none'}); ${hint}`);
}

const KAFKA_KEYS = ['kafka', 'clientId'];

/** The `--config` of the log verbs: the Kafka connection settings of API.md section 7 (kafka.ssl, kafka.sasl), clientId. */
function kafkaSettings(pairs: string[]): Pick<KafkaConfig, 'kafka' | 'clientId'> {
  const out = parseConfigPairs(pairs);
  for (const k of Object.keys(out)) {
    if (!KAFKA_KEYS.includes(k)) throw new Error(`--config ${k}: the log verbs take Kafka connection settings only (${KAFKA_KEYS.join(', ')}; e.g. --config kafka.sasl.mechanism=scram-sha-256).`);
  }
  return out;
}

/** Adds `--config key=value` (repeatable) for the Kafka connection settings to a log verb. */
export function kafkaConfigOption(c: Command): Command {
  return c.option('--config <key=value>', 'with --bootstrap, a Kafka connection setting, repeatable: kafka.ssl=true, kafka.ssl.ca=@ca.pem, kafka.sasl.mechanism=plain|scram-sha-256|scram-sha-512, kafka.sasl.username=..., kafka.sasl.password=..., clientId=...',
    (v: string, prev: string[]) => [...prev, v], [] as string[]);
}
