/** Public types of the built-in log (API.md section 5). */
/** Key and value bytes as a producer takes them (a string is UTF-8 encoded). */
export type Bytes = Uint8Array | string | null | undefined;
export type HeadersIn = { [name: string]: Uint8Array | string };

/** A consumer's subscription: topic names, or a RegExp's source and flags. */
export interface Subscription {
  topics?: string[];
  /** RegExp source and flags for pattern subscriptions. */
  pattern?: string;
  flags?: string;
}

export type FsyncPolicy = 'none' | 'batch' | 'always' | { everyMs: number };
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type Isolation = 'read_committed' | 'read_uncommitted';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicConfig {
  partitions: number;
  cleanupPolicy: CleanupPolicy;
  /** Delete whole segments whose newest record is older than this (ms); -1 = keep forever. Default 7 days. */
  retentionMs: number;
  /** Delete the oldest whole segments while the partition is larger than this; -1 = no limit (default). */
  retentionBytes: number;
  /** Roll a new segment when the active one would exceed this many bytes. Default 1 GiB. */
  segmentBytes: number;
  /** Roll a new segment when the active one is older than this (ms). Default 7 days. */
  segmentMs: number;
  /** Compacted topics: keep tombstones at least this long (ms, by record timestamp). Default 1 day. */
  deleteRetentionMs: number;
  /** 'CreateTime' (default) keeps the producer's timestamp; 'LogAppendTime' stamps the append time. */
  timestampType: 'CreateTime' | 'LogAppendTime';
  /** The largest record batch accepted (Kafka's max.message.bytes); a larger record is refused. Default 1 MiB + 12. */
  maxMessageBytes: number;
}

export type TopicOptions = Partial<TopicConfig>;

export interface PartitionDescription {
  partition: number;
  startOffset: number;
  endOffset: number;
  /** Last stable offset: the end for read_committed readers. */
  lastStableOffset: number;
  bytes: number;
  segments: number;
}

export interface TopicDescription {
  name: string;
  config: TopicConfig;
  partitions: PartitionDescription[];
  bytes: number;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: number | null;
  endOffset: number;
  lag: number;
}

export interface ProducerRecord {
  topic: string;
  key?: Bytes;
  value?: Bytes;
  timestamp?: number;
  headers?: HeadersIn;
  partition?: number;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  headers: { [name: string]: Uint8Array };
}

export interface OffsetAndPartition extends TopicPartition {
  offset: number;
  /**
   * Committed with the offset and returned with it (Kafka's offset commit metadata string): Kafka Streams keeps the
   * partition's stream time there. Only commits read it; absent or null: none.
   */
  metadata?: string | null;
}

/** A committed offset and the metadata string committed with it (null: none). */
export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

export const DEFAULT_TOPIC_CONFIG: TopicConfig = {
  partitions: 1,
  cleanupPolicy: 'delete',
  retentionMs: 7 * 24 * 3600_000,
  retentionBytes: -1,
  segmentBytes: 1 << 30,
  segmentMs: 7 * 24 * 3600_000,
  deleteRetentionMs: 24 * 3600_000,
  timestampType: 'CreateTime',
  maxMessageBytes: 1048588,
};
