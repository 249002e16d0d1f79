/**
 * The `.checkpoint` file of a task: changelog offsets whose records are already in the local stores, so a clean
 * restart replays only the delta. Written atomically (write + rename). Under exactly-once it exists only while the
 * app is stopped cleanly: it is deleted once the task runs, so a crash forces a restore from the changelog.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Checkpoint = Record<string, number>;

export function readCheckpoint(taskDir: string): Checkpoint | null {
  const file = path.join(taskDir, '.checkpoint');
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; offsets: Checkpoint };
    if (parsed.version !== 1 || typeof parsed.offsets !== 'object') return null;
    return parsed.offsets;
  } catch {
    return null;
  }
}

export function writeCheckpoint(taskDir: string, offsets: Checkpoint): void {
  fs.mkdirSync(taskDir, { recursive: true });
  const file = path.join(taskDir, '.checkpoint');
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, offsets }));
  fs.renameSync(tmp, file);
}

export function deleteCheckpoint(taskDir: string): void {
  fs.rmSync(path.join(taskDir, '.checkpoint'), { force: true });
}
