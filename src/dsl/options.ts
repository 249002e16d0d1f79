/** Option objects of the DSL (API.md section 3): Kafka's Consumed, Produced, Grouped, Materialized, Named. */
import type { Duration, StreamRecord } from '../api/records.ts';
import type { Serde } from '../api/serde.ts';

export interface Consumed<K, V> {
  key?: Serde<K>;
  value?: Serde<V>;
  timestampExtractor?: (record: StreamRecord<K, V>, partitionTime: number) => number;
  offsetReset?: 'earliest' | 'latest';
  /** Processor name of the source (Kafka's Consumed.as). */
  name?: string;
}

export interface Produced<K, V> {
  key?: Serde<K>;
  value?: Serde<V>;
  /** Returns the partition for a record, or undefined to use the default partitioner. */
  partitioner?: (topic: string, key: K, value: V, numPartitions: number) => number | undefined;
  name?: string;
}

export interface Grouped<K, V> {
  key?: Serde<K>;
  value?: Serde<V>;
  /** Names the repartition topic (`<applicationId>-<name>-repartition`) and its processors. */
  name?: string;
}

export interface Materialized<K, V> {
  storeName?: string;
  key?: Serde<K>;
  value?: Serde<V>;
  store?: 'leveldb' | 'memory';
  logging?: boolean;
  caching?: boolean;
  retention?: Duration;
}

export interface Named {
  name?: string;
}

export interface RepartitionOptions<K, V> {
  name?: string;
  partitions?: number;
  key?: Serde<K>;
  value?: Serde<V>;
}

export interface BranchOptions {
  name?: string;
}
