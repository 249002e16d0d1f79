/**
 * LogStore: the built-in partitioned log (API.md section 5). `LogStore.open(dir)` owns the data
 * dir (lock file) and serves other local processes on a unix socket; `LogStore.connect(dir)` (or
 * open with `ifLocked: 'connect'`) uses the log of the process that owns it.
 */
import fs from 'node:fs';
import type net from 'node:net';
import type { LogBackend } from './backend.ts';
import { ConsumerImpl, type Consumer, type ConsumerOptions } from './consumer.ts';
import { LogStoreError } from './errors.ts';
import { LocalBackend } from './local-backend.ts';
import { acquireLock, readLock, releaseLock } from './lock.ts';
import { ProducerImpl, type Producer, type ProducerOptions } from './producer.ts';
import { RemoteBackend } from './remote-backend.ts';
import type { RecordVisitor } from './record-batch.ts';
import { serve, servePort, stopServing } from './server.ts';
import type { MessagePort } from 'node:worker_threads';
import type { ConsumerRecord, FsyncPolicy, Isolation, OffsetAndPartition, PartitionLag, TopicDescription, TopicOptions, TopicPartition } from './types.ts';

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

export interface Admin {
  createTopic(name: string, opts?: TopicOptions): Promise<void>;
  listTopics(opts?: { internal?: boolean }): Promise<string[]>;
  describeTopic(name: string): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;
  listGroups(): Promise<string[]>;
  /** Per partition with a committed offset: committed offset, end offset and lag. */
  groupLag(groupId: string): Promise<PartitionLag[]>;
  /** Kafka's deleteRecords, in whole segments: drops closed segments entirely below each offset. */
  deleteRecords(offsets: OffsetAndPartition[]): Promise<number>;
}

export interface ReadResult {
  records: ConsumerRecord[];
  /** The offset to read from next (past skipped control batches and aborted records). */
  next: number;
}

export class LogStore {
  readonly admin: Admin;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly backend: LogBackend,
    /** 'owner': this process owns the data dir; 'client': another process does (ownerPid). */
    readonly mode: 'owner' | 'client',
    readonly ownerPid: number,
    private readonly server?: net.Server,
    private readonly socket?: string,
  ) {
    const b = backend;
    this.admin = {
      createTopic: (name, opts) => b.createTopic(name, opts ?? {}),
      listTopics: (opts) => b.listTopics(opts?.internal ?? false),
      describeTopic: (name) => b.describeTopic(name),
      deleteTopic: (name) => b.deleteTopic(name),
      listGroups: () => b.listGroups(),
      groupLag: (groupId) => b.groupLag(groupId),
      deleteRecords: (offsets) => b.deleteRecords(offsets),
    };
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

  /**
   * @internal Stream threads (worker_threads) of streams-run: the main thread serves its log on a MessagePort
   * (`serveThread`), the thread uses it through `overPort`.
   */
  static overPort(dir: string, port: MessagePort): LogStore {
    return new LogStore(dir, RemoteBackend.overPort(port), 'client', process.pid);
  }

  /** @internal See `overPort`. */
  serveThread(port: MessagePort): void {
    this.checkOpen();
    servePort(this.backend, port);
  }

  /**
   * @internal A log reached through another LogBackend (src/kafka's KafkaBackend for `--bootstrap`): `where` names
   * it in messages (the bootstrap servers); nothing on local disk is owned.
   */
  static overBackend(where: string, backend: LogBackend): LogStore {
    return new LogStore(where, backend, 'client', process.pid);
  }

  private static async connectTo(dir: string, socket: string, pid: number): Promise<LogStore> {
    return new LogStore(dir, await RemoteBackend.connect(socket, pid), 'client', pid);
  }

  producer(opts: ProducerOptions = {}): Producer {
    this.checkOpen();
    return new ProducerImpl(this.backend, opts);
  }

  consumer(opts: ConsumerOptions = {}): Consumer {
    this.checkOpen();
    return new ConsumerImpl(this.backend, opts);
  }

  /**
   * Reads up to maxRecords records of one partition from an offset, without waiting and without a
   * group (for restoring state from changelog topics). Control batches are skipped; with
   * 'read_committed' also aborted and still-open transactional records.
   */
  async read(tp: TopicPartition, fromOffset: number, maxRecords = 10_000, opts: { isolation?: Isolation } = {}): Promise<ReadResult> {
    this.checkOpen();
    return this.backend.read(tp, fromOffset, maxRecords, opts.isolation ?? 'read_uncommitted');
  }

  /**
   * @internal Changelog restore: `read` with a visitor, without a record object per record when the log is in
   * this thread. Returns the records visited and the next offset.
   */
  async readEach(tp: TopicPartition, fromOffset: number, maxRecords: number, opts: { isolation?: Isolation }, each: RecordVisitor): Promise<{ count: number; next: number }> {
    this.checkOpen();
    if (this.backend.readEach) return this.backend.readEach(tp, fromOffset, maxRecords, opts.isolation ?? 'read_uncommitted', each);
    const r = await this.read(tp, fromOffset, maxRecords, opts);
    for (const x of r.records) each(x.offset, x.timestamp, x.key, x.value, x.headers);
    return { count: r.records.length, next: r.next };
  }

  /** Start and end offsets (and the last stable offset) of one partition. */
  async offsets(tp: TopicPartition): Promise<{ start: number; end: number }> {
    const [start, end] = await Promise.all([this.backend.listOffsets([tp], 'earliest'), this.backend.listOffsets([tp], 'latest')]);
    return { start: start[0], end: end[0] };
  }

  /** Runs retention and compaction now (they also run in the background). */
  maintenance(): Promise<void> {
    return this.backend.maintenance();
  }

  private checkOpen(): void {
    if (this.closed) throw new LogStoreError('CLOSED', `the LogStore on ${this.dir} is closed`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.server) await stopServing(this.server);
    await this.backend.close();
    if (this.mode === 'owner') {
      if (this.socket) fs.rmSync(this.socket, { force: true });
      releaseLock(this.dir);
    }
  }
}
