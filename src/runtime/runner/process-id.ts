/**
 * The instance's processId, as Kafka Streams 4.4 keeps it: a UUID created once in <stateDir>/<applicationId>/
 * kafka-streams-process-metadata and reused across restarts, so transactional ids (`<applicationId>-<processId>-
 * <threadIndex>`) stay stable for one instance and differ between instances sharing an application id.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'kafka-streams-process-metadata';

export function processId(stateDir: string, applicationId: string): string {
  const dir = path.join(stateDir, applicationId);
  const file = path.join(dir, FILE);
  fs.mkdirSync(dir, { recursive: true });
  try {
    // 'wx': stream threads starting together agree on the first writer's id
    fs.writeFileSync(file, JSON.stringify({ processId: randomUUID() }) + '\n', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const id = (JSON.parse(fs.readFileSync(file, 'utf8')) as { processId?: unknown }).processId;
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new Error(`${file} does not hold a processId (a UUID): delete the file to get a new one (this instance's transactional ids change with it).`);
  }
  return id;
}
