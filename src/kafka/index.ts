/** Tributary on Apache Kafka (API.md section 7): a LogStore whose backend is a Kafka cluster. */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { SASLMechanismValue } from '@platformatic/kafka';
import { LogStore } from '../log-store/log-store.ts';
import { KafkaBackend, type KafkaBackendOptions } from './backend.ts';

export { KafkaBackend, type KafkaBackendOptions } from './backend.ts';

/** Connects to the cluster (a clear error when no broker answers) and wraps it in a LogStore. */
export async function openKafkaLog(opts: KafkaBackendOptions): Promise<LogStore> {
  const backend = new KafkaBackend(opts);
  try {
    await backend.connect();
  } catch (e) {
    await backend.close();
    throw e;
  }
  return LogStore.overBackend(backend.where, backend);
}

/** API.md section 7's settings in an app's config: bootstrapServers, clientId, sessionTimeoutMs, replicationFactor, kafka: { ssl, sasl }. */
export function kafkaOptionsFromConfig(o: { [key: string]: unknown }): KafkaBackendOptions {
  const kafka = (o.kafka ?? {}) as { ssl?: TlsOptions | true; sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } };
  const n = (v: unknown) => (v === undefined ? undefined : Number(v));
  return {
    bootstrapServers: o.bootstrapServers as string | string[], clientId: o.clientId as string | undefined,
    sessionTimeoutMs: n(o.sessionTimeoutMs), replicationFactor: n(o.replicationFactor),
    connection: {
      ...(kafka.ssl ? { tls: kafka.ssl === true ? {} : kafka.ssl } : {}),
      ...(kafka.sasl ? { sasl: { mechanism: kafka.sasl.mechanism.toUpperCase() as SASLMechanismValue, username: kafka.sasl.username, password: kafka.sasl.password } } : {}),
    },
  };
}
