/** Public surface of the built-in log (re-exported from src/index.ts). */
export { LogStore, type LogStoreOptions } from './log-store.ts';
export { LogClient, type Admin, type ReadResult } from '../log-client/client.ts';
export type { Producer, ProducerOptions } from '../log-client/producer.ts';
export type { Consumer, ConsumerOptions, PollOptions } from '../log-client/consumer.ts';
export { LogStoreError, CorruptLogError } from '../log-client/errors.ts';
export { murmur2, partitionForKey } from '../log-client/murmur2.ts';
export type {
  CleanupPolicy, CommittedOffset, ConsumerRecord, FsyncPolicy, Isolation, OffsetAndPartition, PartitionDescription, PartitionLag,
  ProducerRecord, RecordMetadata, TopicConfig, TopicDescription, TopicOptions, TopicPartition,
} from '../log-client/types.ts';
