/**
 * One owning process per data dir: `<dir>/.lock` holds {pid, socket, startedAt}. A lock whose pid
 * is no longer alive is stale and taken over.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  socket: string;
  startedAt: string;
  hostname: string;
}

export function lockPath(dir: string): string {
  return path.join(dir, '.lock');
}

/** The unix socket of the owner: in the data dir, or in the temp dir when that path is too long. */
export function socketPath(dir: string): string {
  const p = path.join(path.resolve(dir), 'log.sock');
  if (Buffer.byteLength(p) < 100) return p;
  return path.join(os.tmpdir(), `tributary-${crypto.createHash('sha1').update(path.resolve(dir)).digest('hex').slice(0, 16)}.sock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dir: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(lockPath(dir), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/** Takes the lock, or returns the live holder's info. */
export function acquireLock(dir: string): { ok: true; info: LockInfo } | { ok: false; holder: LockInfo } {
  const info: LockInfo = { pid: process.pid, socket: socketPath(dir), startedAt: new Date().toISOString(), hostname: os.hostname() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(lockPath(dir), 'wx');
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      return { ok: true, info };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(dir);
    if (holder && holder.pid && alive(holder.pid) && holder.hostname === os.hostname()) return { ok: false, holder };
    if (!holder) {
      // being written right now by another opener, or garbage: wait a little, then take it over
      const st = fs.statSync(lockPath(dir), { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs < 2000) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); continue; }
    }
    fs.rmSync(lockPath(dir), { force: true }); // stale: its process is gone
  }
  throw new Error(`could not take the lock ${lockPath(dir)}; remove it if no process uses ${dir}`);
}

export function releaseLock(dir: string): void {
  const holder = readLock(dir);
  if (holder && holder.pid === process.pid) fs.rmSync(lockPath(dir), { force: true });
}
