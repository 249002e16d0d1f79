import { LogStore } from '../../log-store/index.ts';
import { openKafkaLog } from '../../kafka/index.ts';

export const DEFAULT_DATA_DIR = './.tributary';

/** Opens the log for a CLI verb: a Kafka cluster with --bootstrap, else the data dir (as owner or through its owner). */
export function openLog(dataDir: string, bootstrap?: string): Promise<LogStore> {
  if (bootstrap) return openKafkaLog({ bootstrapServers: bootstrap, clientId: 'streams-run', retryForMs: 15_000 });
  return LogStore.open(dataDir, { ifLocked: 'connect', maintenanceIntervalMs: 0 });
}
