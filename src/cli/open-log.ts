import { LogStore } from '../log-store/index.ts';

export const DEFAULT_DATA_DIR = './.tributary';

/** Opens the data dir for a CLI verb: as its owner, or through the app that owns it right now. */
export function openLog(dataDir: string): Promise<LogStore> {
  return LogStore.open(dataDir, { ifLocked: 'connect', maintenanceIntervalMs: 0 });
}
