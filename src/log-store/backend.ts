/**
 * The internal interface between the client objects (admin, producer, consumer) and a log: the
 * local one in this process (LocalBackend) or the one owned by another process, reached over a
 * unix socket (RemoteBackend). Every call is async and batch-sized, never per record.
 */
import type { Subscription } from './groups.ts';
import type { RecordVisitor } from './record-batch.ts';
import type {
  ConsumerRecord, Isolation, OffsetAndPartition, PartitionLag, ProducerRecord, RecordMetadata, TopicDescription,
  TopicOptions, TopicPartition,
} from './types.ts';

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

export interface LogBackend {
  createTopic(name: string, opts: TopicOptions): Promise<void>;
  listTopics(includeInternal?: boolean): Promise<string[]>;
  describeTopic(name: string): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;
  listGroups(): Promise<string[]>;
  groupLag(groupId: string): Promise<PartitionLag[]>;
  produce(records: ProducerRecord[], txn?: TxnRef): Promise<RecordMetadata[]>;
  fetch(positions: OffsetAndPartition[], opts: FetchOptions, signal?: AbortSignal): Promise<FetchResult>;
  /** One partition from an offset, without waiting and without a group (restore, global tables). */
  read(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation?: Isolation): Promise<{ records: ConsumerRecord[]; next: number }>;
  /** `read` with a visitor, without a record object per record, where the backend can (restore's hot path). */
  readEach?(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor): { count: number; next: number } | Promise<{ count: number; next: number }>;
  listOffsets(tps: TopicPartition[], spec: OffsetSpec): Promise<number[]>;
  joinGroup(groupId: string, memberId: string, sub: Subscription): Promise<void>;
  leaveGroup(groupId: string, memberId: string): Promise<void>;
  assignment(groupId: string, memberId: string): Promise<TopicPartition[]>;
  commitOffsets(groupId: string, offsets: OffsetAndPartition[]): Promise<void>;
  committed(groupId: string, tps: TopicPartition[]): Promise<(number | null)[]>;
  initTransactions(transactionalId: string): Promise<{ producerId: number; epoch: number }>;
  endTransaction(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Promise<void>;
  /** Runs retention and compaction now (they also run in the background). */
  maintenance(): Promise<void>;
  /** Deletes whole segments below each offset; returns how many segments went. */
  deleteRecords(offsets: OffsetAndPartition[]): Promise<number>;
  close(): Promise<void>;
}
