/**
 * The internal interface between the client objects (admin, producer, consumer) and a log: the
 * local one in this process (LocalBackend) or the one owned by another process, reached over a
 * unix socket (RemoteBackend). Every call is async and batch-sized, never per record.
 */
import type {
  CommittedOffset, ConsumerRecord, Subscription, Isolation, OffsetAndPartition, PartitionLag, ProducerRecord, RecordMetadata, TopicDescription,
  TopicOptions, TopicPartition,
} from './types.ts';
import type { StreamsMemberInfo, StreamsMembership } from './membership.ts';

export interface TxnRef {
  transactionalId: string;
  producerId: number;
  epoch: number;
}

export interface FetchOptions {
  maxRecords: number;
  isolation: Isolation;
  timeoutMs: number;
}

export interface FetchResult {
  records: ConsumerRecord[];
  /** The next offset to read for each requested position, in request order. */
  next: number[];
}

export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

export interface GroupOffsets {
  groupId: string;
  offsets: OffsetAndPartition[];
}

/** A visitor over one partition's records (changelog restore): no record object per record where the log allows. */
export type RecordVisitor = (offset: number, timestamp: number, key: Uint8Array | null, value: Uint8Array | null, headers: { [name: string]: Uint8Array } | null) => void;

export interface LogBackend {
  /** True when a fetch crosses a process or thread boundary, so a consumer should fetch the next batch ahead. */
  readonly fetchAhead: boolean;
  /**
   * Reads up to maxRecords records of one partition from an offset, without waiting and without a group.
   * Control batches are skipped; under read_committed also aborted and still-open transactional records.
   */
  read(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation): Promise<{ records: ConsumerRecord[]; next: number }>;
  /** `read` with a visitor instead of record objects; returns how many records were visited and the next offset. */
  readEach(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor): { count: number; next: number } | Promise<{ count: number; next: number }>;
  createTopic(name: string, opts: TopicOptions): Promise<void>;
  listTopics(includeInternal?: boolean): Promise<string[]>;
  describeTopic(name: string): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;
  listGroups(): Promise<string[]>;
  groupLag(groupId: string): Promise<PartitionLag[]>;
  produce(records: ProducerRecord[], txn?: TxnRef): Promise<RecordMetadata[]>;
  fetch(positions: OffsetAndPartition[], opts: FetchOptions, signal?: AbortSignal): Promise<FetchResult>;
  listOffsets(tps: TopicPartition[], spec: OffsetSpec): Promise<number[]>;
  joinGroup(groupId: string, memberId: string, sub: Subscription): Promise<void>;
  leaveGroup(groupId: string, memberId: string): Promise<void>;
  assignment(groupId: string, memberId: string): Promise<TopicPartition[]>;
  commitOffsets(groupId: string, offsets: OffsetAndPartition[]): Promise<void>;
  committed(groupId: string, tps: TopicPartition[]): Promise<(number | null)[]>;
  /** `committed` with the metadata string each offset was committed with (null when none or empty). */
  committedOffsets(groupId: string, tps: TopicPartition[]): Promise<(CommittedOffset | null)[]>;
  initTransactions(transactionalId: string): Promise<{ producerId: number; epoch: number }>;
  endTransaction(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Promise<void>;
  /**
   * A stream thread's membership in the application's group (see membership.ts); absent on a log where one process
   * owns every task (the built-in log).
   */
  streamsMembership?(groupId: string, info: StreamsMemberInfo): StreamsMembership;
  /** The group protocol a stream thread uses when the app does not choose one, and why (API.md section 7). */
  defaultGroupProtocol?(): Promise<{ protocol: 'classic' | 'streams'; reason: string }>;
  /** Runs retention and compaction now (they also run in the background). */
  maintenance(): Promise<void>;
  /** Deletes whole segments below each offset; returns how many segments went. */
  deleteRecords(offsets: OffsetAndPartition[]): Promise<number>;
  close(): Promise<void>;
}
