/**
 * The `.checkpoint` file of a task: changelog offsets whose records are already in the local stores, so a clean
 * restart replays only the delta. Written atomically (write + rename). It is true or absent: CheckpointGuard deletes
 * it before any store write-down it does not cover; under exactly-once it exists only while the app is stopped
 * cleanly (deleted once the task runs). A task without one wipes its changelogged stores and restores them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LocalStateGuard } from '../../state/types.ts';

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

/**
 * Keeps the checkpoint file true: it exists only while the stores on disk hold exactly the changelog up to its
 * offsets. The first write-down after it was written deletes it (a commit writes it again once the changelog
 * and the input offsets are committed), so a restart after any dirty stop (SIGKILL, fatal error, failed commit)
 * finds no checkpoint over state that may be ahead of the changelog, wipes it and restores it.
 */
export class CheckpointGuard implements LocalStateGuard {
  dirty = false;
  /** A checkpoint file describing the disk exists. */
  private checkpointed: boolean;
  constructor(private readonly taskDir: string, checkpointed: boolean) {
    this.checkpointed = checkpointed;
  }
  beforeWrite(): void {
    if (!this.checkpointed) return;
    deleteCheckpoint(this.taskDir);
    this.checkpointed = false;
  }
  /** After a commit (or a restore): the stores hold exactly the changelog up to `offsets`. */
  checkpoint(offsets: Record<string, number>): void {
    writeCheckpoint(this.taskDir, offsets);
    this.checkpointed = true;
  }
  /** Exactly-once: no checkpoint while the task runs (Kafka deletes it once the task is initialized). */
  invalidate(): void {
    deleteCheckpoint(this.taskDir);
    this.checkpointed = false;
  }
}
