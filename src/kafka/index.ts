/** Tributary on Apache Kafka (API.md section 7): a LogStore whose backend is a Kafka cluster. */
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
