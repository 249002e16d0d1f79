/**
 * LogStore: the built-in partitioned log (API.md section 5). `LogStore.open(dir)` owns the data
 * dir (lock file) and serves other local processes on a unix socket; `LogStore.connect(dir)` (or
 * open with `ifLocked: 'connect'`) uses the log of the process that owns it.
 */
import fs from 'node:fs';
import type net from 'node:net';
import type { LogBackend } from '../log-client/backend.ts';
import { LogClient } from '../log-client/client.ts';
import { LogStoreError } from '../log-client/errors.ts';
import { LocalBackend } from './broker/local-backend.ts';
import { acquireLock, readLock, releaseLock } from './lock.ts';
import { RemoteBackend } from './remote/remote-backend.ts';
import { serve, stopServing } from './remote/server.ts';
import type { FsyncPolicy } from '../log-client/types.ts';

export interface LogStoreOptions {
  /** What an acknowledged send survives: see README "fsync policies". Default 'none'. */
  fsync?: FsyncPolicy;
  /** When another live process owns the dir: 'error' (default) or 'connect' to use it as a client. */
  ifLocked?: 'error' | 'connect';
  /** Serve other local processes (CLI) on a unix socket. Default true. */
  serve?: boolean;
  /** How often retention and compaction run in the background (ms). Default 1000; 0 = only on maintenance(). */
  maintenanceIntervalMs?: number;
  /** Create unknown topics (1 partition) on first produce, like Kafka's broker default. Default true. */
  autoCreateTopics?: boolean;
}

export class LogStore extends LogClient {
  private constructor(
    readonly dir: string,
    backend: LogBackend,
    /** 'owner': this process owns the data dir; 'client': another process does (ownerPid). */
    readonly mode: 'owner' | 'client',
    readonly ownerPid: number,
    private readonly server?: net.Server,
    private readonly socket?: string,
  ) {
    super(backend, dir);
  }

  static async open(dir: string, opts: LogStoreOptions = {}): Promise<LogStore> {
    if (typeof dir !== 'string' || dir.length === 0) throw new LogStoreError('INVALID_CONFIG', 'LogStore.open(dir): dir must be a non-empty path');
    fs.mkdirSync(dir, { recursive: true });
    const lock = acquireLock(dir);
    if (!lock.ok) {
      if (opts.ifLocked === 'connect') return LogStore.connectTo(dir, lock.holder.socket, lock.holder.pid);
      throw new LogStoreError('LOCKED', `data dir ${dir} is owned by process ${lock.holder.pid} (since ${lock.holder.startedAt}); ` +
        `only one process may open it. Stop that process, or use LogStore.connect('${dir}') / open(dir, { ifLocked: 'connect' }) ` +
        `to work through it (the CLI does this)`);
    }
    let backend: LocalBackend;
    try {
      backend = LocalBackend.open(dir, { fsync: opts.fsync, maintenanceIntervalMs: opts.maintenanceIntervalMs, autoCreateTopics: opts.autoCreateTopics });
    } catch (e) {
      releaseLock(dir);
      throw e;
    }
    let server: net.Server | undefined;
    if (opts.serve !== false) {
      try {
        server = await serve(backend, lock.info.socket);
      } catch (e) {
        await backend.close();
        releaseLock(dir);
        throw e;
      }
    }
    return new LogStore(dir, backend, 'owner', process.pid, server, lock.info.socket);
  }

  /** Uses the log of the process that owns `dir` (over its unix socket). */
  static async connect(dir: string): Promise<LogStore> {
    const holder = readLock(dir);
    if (!holder) throw new LogStoreError('REMOTE', `no process owns data dir ${dir} (no lock file): open it with LogStore.open('${dir}')`);
    return LogStore.connectTo(dir, holder.socket, holder.pid);
  }

  private static async connectTo(dir: string, socket: string, pid: number): Promise<LogStore> {
    return new LogStore(dir, await RemoteBackend.connect(socket, pid), 'client', pid);
  }

  private released = false;

  override async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.server) await stopServing(this.server);
    await super.close();
    if (this.mode === 'owner') {
      if (this.socket) fs.rmSync(this.socket, { force: true });
      releaseLock(this.dir);
    }
  }
}
