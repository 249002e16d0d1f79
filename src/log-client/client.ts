/**
 * LogClient: what the runtime and the CLI use of a log — admin, producers, consumers, restore reads —
 * over one LogBackend, whichever log it is (the built-in one in this process, another process's over its
 * socket or a thread port, or later a Kafka cluster). `LogStore` (the built-in log) is one.
 */
import type { LogBackend, RecordVisitor } from './backend.ts';
import { ConsumerImpl, type Consumer, type ConsumerOptions } from './consumer.ts';
import { LogStoreError } from './errors.ts';
import { ProducerImpl, type Producer, type ProducerOptions } from './producer.ts';
import type { Observable } from 'rxjs';
import type { StreamRecord } from '../api/records.ts';
import { observeTopic, ObserverRegistry, type ObserveOptions } from './observe.ts';
import type { StreamsMemberInfo, StreamsMembership } from './membership.ts';
import type { ConsumerRecord, Isolation, OffsetAndPartition, PartitionLag, TopicDescription, TopicOptions, TopicPartition } from './types.ts';

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

const backends = new WeakMap<LogClient, LogBackend>();

/** The backend under a client (for the package's own plumbing, e.g. serving it to stream threads; not public). */
export function backendOf(client: LogClient): LogBackend {
  return backends.get(client)!;
}

export class LogClient {
  readonly admin: Admin;
  private closed = false;

  /** @param where names the log in errors (a data dir, a cluster). */
  constructor(backend: LogBackend, readonly where: string) {
    backends.set(this, backend);
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

  producer(opts: ProducerOptions = {}): Producer {
    this.checkOpen();
    return new ProducerImpl(backendOf(this), opts);
  }

  consumer(opts: ConsumerOptions = {}): Consumer {
    this.checkOpen();
    return new ConsumerImpl(backendOf(this), opts);
  }

  /** A live, cold rxjs Observable of a topic's committed records (API.md section 9; observe.ts). */
  observe<K = Uint8Array | null, V = Uint8Array | null>(topic: string, opts?: ObserveOptions<K, V>): Observable<StreamRecord<K, V>> {
    this.checkOpen();
    return observeTopic(this, topic, opts, this.observers);
  }

  private readonly observers = new ObserverRegistry();

  /**
   * Reads up to maxRecords records of one partition from an offset, without waiting and without a
   * group (for restoring state from changelog topics). Control batches are skipped; with
   * 'read_committed' also aborted and still-open transactional records.
   */
  read(tp: TopicPartition, fromOffset: number, maxRecords = 10_000, opts: { isolation?: Isolation } = {}): Promise<ReadResult> {
    this.checkOpen();
    return backendOf(this).read(tp, fromOffset, maxRecords, opts.isolation ?? 'read_uncommitted');
  }

  /** Start and end offsets of one partition. */
  async offsets(tp: TopicPartition): Promise<{ start: number; end: number }> {
    const b = backendOf(this);
    const [start, end] = await Promise.all([b.listOffsets([tp], 'earliest'), b.listOffsets([tp], 'latest')]);
    return { start: start[0], end: end[0] };
  }

  /** End offsets of many partitions in one request (lag, restore targets). */
  endOffsets(tps: TopicPartition[]): Promise<number[]> {
    return tps.length ? backendOf(this).listOffsets(tps, 'latest') : Promise.resolve([]);
  }

  /** Runs retention and compaction now (they also run in the background). */
  maintenance(): Promise<void> {
    return backendOf(this).maintenance();
  }

  protected checkOpen(): void {
    if (this.closed) throw new LogStoreError('CLOSED', `the log on ${this.where} is closed`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.observers.closeAll();
    await backendOf(this).close();
  }
}

/** Changelog restore: `read` with a visitor, without a record object per record when the log is in this thread. */
export function readEach(log: LogClient, tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor): { count: number; next: number } | Promise<{ count: number; next: number }> {
  return backendOf(log).readEach(tp, fromOffset, maxRecords, isolation, each);
}

/**
 * A stream thread's membership in the application's group, when the log spreads tasks over instances (Kafka's
 * backend); null on a log where one process owns every task (the built-in log, or another process's over a socket).
 */
export function streamsMembership(log: LogClient, groupId: string, info: StreamsMemberInfo): StreamsMembership | null {
  const b = backendOf(log);
  return b.streamsMembership ? b.streamsMembership(groupId, info) : null;
}

/**
 * The group protocol of a stream thread: the app's choice, else the log's default (on Kafka: 'streams' when every
 * broker supports it, else 'classic'), with the reason for the log line.
 */
export async function groupProtocolFor(log: LogClient, chosen: 'classic' | 'streams' | null): Promise<{ protocol: 'classic' | 'streams'; reason: string }> {
  if (chosen) return { protocol: chosen, reason: 'groupProtocol set by the app' };
  const b = backendOf(log);
  return b.defaultGroupProtocol ? b.defaultGroupProtocol() : { protocol: 'classic', reason: 'the log has no streams groups' };
}

/** True when the log spreads tasks through group membership (see streamsMembership). */
export function spreadsTasks(log: LogClient): boolean {
  return typeof backendOf(log).streamsMembership === 'function';
}
