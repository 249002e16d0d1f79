/** Tributary on Apache Kafka (API.md section 7): a LogClient whose backend is a Kafka cluster. */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { SASLMechanismValue } from '@platformatic/kafka';
import { LogClient } from '../log-client/client.ts';
import { KafkaBackend, type KafkaBackendOptions } from './backend.ts';

export { KafkaBackend, type KafkaBackendOptions } from './backend.ts';

/** Connects to the cluster (a clear error when no broker answers) and wraps it in a LogClient. */
export async function openKafkaLog(opts: KafkaBackendOptions): Promise<LogClient> {
  const backend = new KafkaBackend(opts);
  try {
    await backend.connect();
  } catch (e) {
    await backend.close();
    throw e;
  }
  return new LogClient(backend, backend.where);
}

/**
 * The level of a Kafka client log line: a group's normal life (joined, assigned, rebalancing, status ok) is info;
 * waiting for the cluster, fencing, refusals and bad statuses are warnings.
 */
export function kafkaLogLevel(line: string): 'info' | 'warn' {
  return /^kafka: (joined group|thread \d+ joined streams group|streams group '[^']*' assigns member|streams group '[^']*' status: ok|group '[^']*' is rebalancing|group '[^']*' leader \S+ assigned)/.test(line)
    ? 'info' : 'warn';
}

/** API.md section 7's settings of an app's config that reach the Kafka client. */
export interface KafkaConfig {
  bootstrapServers?: string | string[];
  clientId?: string;
  sessionTimeoutMs?: number;
  replicationFactor?: number;
  kafka?: { ssl?: TlsOptions | true; sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } };
}

export function kafkaOptionsFromConfig(o: KafkaConfig): KafkaBackendOptions {
  const kafka = o.kafka ?? {};
  const n = (v: unknown) => (v === undefined ? undefined : Number(v));
  if (o.bootstrapServers === undefined) throw new Error('bootstrapServers: the Kafka cluster to run on is not set.');
  checkSasl(kafka.sasl);
  return {
    bootstrapServers: o.bootstrapServers, clientId: o.clientId,
    sessionTimeoutMs: n(o.sessionTimeoutMs), replicationFactor: n(o.replicationFactor),
    connection: {
      ...(kafka.ssl ? { tls: kafka.ssl === true ? {} : kafka.ssl } : {}),
      ...(kafka.sasl ? { sasl: { mechanism: kafka.sasl.mechanism.toUpperCase() as SASLMechanismValue, username: kafka.sasl.username, password: kafka.sasl.password } } : {}),
    },
  };
}

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** A clear error for a SASL setting that could not log in (a missing user or password, an unknown mechanism). */
function checkSasl(sasl: unknown): void {
  if (sasl === undefined) return;
  const s = sasl as { mechanism?: unknown; username?: unknown; password?: unknown };
  const problems = [
    typeof s?.mechanism !== 'string' || !MECHANISMS.includes(s.mechanism.toLowerCase()) ? `mechanism must be one of ${MECHANISMS.join(', ')} (got ${JSON.stringify(s?.mechanism)})` : '',
    typeof s?.username !== 'string' || !s.username ? 'username is missing' : '',
    typeof s?.password !== 'string' ? 'password is missing' : '',
  ].filter(Boolean);
  if (problems.length) throw new Error(`kafka.sasl: ${problems.join('; ')}. Give { mechanism, username, password } (on the CLI --config kafka.sasl.mechanism=scram-sha-256 --config kafka.sasl.username=... --config kafka.sasl.password=...).`);
}
