/** Public surface of the built-in log (re-exported from src/index.ts). */
export { LogStore, type LogStoreOptions, type Admin, type ReadResult } from './log-store.ts';
export type { Producer, ProducerOptions } from './producer.ts';
export type { Consumer, ConsumerOptions, PollOptions } from './consumer.ts';
export { LogStoreError, CorruptLogError } from './errors.ts';
export { murmur2, partitionForKey } from './murmur2.ts';
export type {
  CleanupPolicy, ConsumerRecord, FsyncPolicy, Isolation, OffsetAndPartition, PartitionDescription, PartitionLag,
  ProducerRecord, RecordMetadata, TopicConfig, TopicDescription, TopicOptions, TopicPartition,
} from './types.ts';
