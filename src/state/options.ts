/** What the caller (runtime, test driver, DSL materialization) passes to the store factories of builders.ts. */
import type { Duration } from '../api/records.ts';
import type { Serde } from '../api/serde.ts';

export interface StoreOptions<K, V> {
  name: string;
  key: Serde<K>;
  value: Serde<V>;
  /** Default 'leveldb'; without a taskDir a LevelDB store lives in a temp dir removed on close. */
  store?: 'leveldb' | 'memory';
  /** Default true: every write down to the bytes store is appended to the changelog topic. */
  logging?: boolean;
  /** Default true; effective only when the init context's cacheMaxBytes > 0. */
  caching?: boolean;
  /** Default `<applicationId>-<name>-changelog`, computed at init from the context. */
  changelogTopic?: string;
}

/**
 * Which Kafka store a window or session store behaves as (retention, expiry and iteration order): 'rocksdb' (Kafka's
 * default persistent segmented stores) or 'in-memory' (Kafka's InMemoryWindowStore / InMemorySessionStore). Default:
 * 'in-memory' when `store` is 'memory', else 'rocksdb'. The test driver keeps its default stores in memory but as
 * 'rocksdb', since Java's TopologyTestDriver runs Kafka's default (RocksDB) stores.
 */
export type KafkaStoreKind = 'rocksdb' | 'in-memory';

export interface WindowStoreOptions<K, V> extends StoreOptions<K, V> {
  kafkaStore?: KafkaStoreKind;
  windowSize: Duration;
  retention: Duration;
  /** Stream-stream join stores: every put is kept (a 4-byte sequence number in the key); caching is then off. */
  retainDuplicates?: boolean;
  /** The store of an onWindowClose() aggregation (Kafka's time-ordered window store: see MeteredWindowStore.timeOrdered). */
  timeOrdered?: boolean;
  /** Default max(retention / 2, 60 s), as Kafka's. */
  segmentInterval?: Duration;
}

export interface SessionStoreOptions<K, V> extends StoreOptions<K, V> {
  kafkaStore?: KafkaStoreKind;
  retention: Duration;
  segmentInterval?: Duration;
}
