/** Tributary: Kafka Streams for TypeScript. The package root; everything public is exported here. */
export type { StreamRecord, Headers, Duration, KeyValue, Window, Windowed } from './api/records.ts';
export type { Serde, Serializer, Deserializer } from './api/serde.ts';
export type {
  KeyValueStore, ReadOnlyKeyValueStore, WindowStore, ReadOnlyWindowStore, SessionStore, ReadOnlySessionStore,
  StoreDefinition, StoreType, WindowStoreEntry, SessionEntry, TimestampedValue,
} from './api/stores.ts';
export type {
  Processor, ProcessorContext, ProcessorSupplier, FixedKeyProcessor, FixedKeyProcessorSupplier, RecordMetadata, Cancellable, PunctuationType,
} from './api/processor.ts';
export { serdes } from './serdes/index.ts';
export { StreamsBuilder } from './dsl/builder.ts';
export type { KStream, BranchedKStream } from './dsl/kstream.ts';
export type { KTable } from './dsl/ktable.ts';
export type { GlobalKTable } from './dsl/global-ktable.ts';
export type { KGroupedStream } from './dsl/grouped-stream.ts';
export type { CogroupedKStream, TimeWindowedCogroupedKStream, SessionWindowedCogroupedKStream } from './dsl/cogrouped-stream.ts';
export type { JoinOptions } from './dsl/ops/join-common.ts';
export type { TableJoinMaterialized } from './dsl/ktable.ts';
export type { TimeWindowedKStream } from './dsl/windowed-stream.ts';
export type { SessionWindowedKStream } from './dsl/session-windowed-stream.ts';
export type { KGroupedTable } from './dsl/grouped-table.ts';
export type { Consumed, Produced, Grouped, Materialized, Named, RepartitionOptions } from './dsl/options.ts';
export { Topology } from './topology/topology.ts';
export { TimeWindows, SlidingWindows, SessionWindows, JoinWindows, EmitStrategy, BufferConfig, Suppressed } from './windowing/index.ts';
export { defineApp } from './app/define-app.ts';
export type { App, AppDefinition, RunningApp, StartOptions, KeyQueryMetadata } from './app/app.ts';
export type { TaskInfo } from './app/tasks.ts';
export type { RestoreProgress } from './runtime/runner/restore.ts';
import './http/register.ts'; // lets app.start({ http }) serve (API.md section 8)
export type { StreamsConfig } from './runtime/config.ts';
export type { DroppedRecord } from './processors/types.ts';
export { TopologyTestDriver } from './test-driver/driver.ts';
export type { TestDriverOptions } from './test-driver/driver.ts';
export type { TestInputTopic } from './test-driver/input-topic.ts';
export type { TestOutputTopic } from './test-driver/output-topic.ts';
export { LogStore, LogStoreError, CorruptLogError, murmur2, partitionForKey } from './log-store/index.ts';
export type {
  LogStoreOptions, Admin, ReadResult, Producer, ProducerOptions, Consumer, ConsumerOptions, PollOptions,
  CleanupPolicy, CommittedOffset, ConsumerRecord, FsyncPolicy, Isolation, OffsetAndPartition, PartitionDescription, PartitionLag,
  ProducerRecord, RecordMetadata as LogRecordMetadata, TopicConfig, TopicDescription, TopicOptions, TopicPartition,
} from './log-store/index.ts';
export type { ObserveOptions } from './log-client/observe.ts';
export type { SendFromOptions } from './log-client/send-from.ts';
