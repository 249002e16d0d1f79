/**
 * Store factories: one short function composes each stack,
 * Metered (serdes, counters) -> Caching (optional) -> ChangeLogging (optional) -> LevelDB or memory.
 */
import { toMillis } from '../api/records.ts';
import { CachingLayer } from './caching.ts';
import { ChangeLoggingLayer } from './change-logging.ts';
import { plainCodec, timestampedCodec, timestampOfBytes } from './codecs.ts';
import type { BytesLayer } from './layer.ts';
import { EmitCloseTime } from './emit-time.ts';
import { LevelDbBytesStore } from './leveldb-store.ts';
import { MemoryBytesStore } from './memory-store.ts';
import { TopicRef } from './metered-base.ts';
import { MeteredKeyValueStore } from './metered-kv.ts';
import type { KafkaStoreKind, SessionStoreOptions, StoreOptions, WindowStoreOptions } from './options.ts';
import { SegmentedBytesStore } from './segmented-store.ts';
import { MeteredSessionStore, sessionEndOf } from './session-store.ts';
import { TimestampedKeyValueStoreImpl } from './timestamped-kv.ts';
import type {
  KeyValueStoreInternal,
  SessionStoreInternal,
  TimestampedKeyValueStoreInternal,
  TimestampedWindowStoreInternal,
  WindowStoreInternal,
} from './types.ts';
import { MeteredWindowStore, TimestampedWindowStoreImpl, windowStartOf } from './window-store.ts';

export type { KafkaStoreKind, StoreOptions, WindowStoreOptions, SessionStoreOptions } from './options.ts';

/** Caching over ChangeLogging over `bottom`, each layer only when the options ask for it. */
export function composeStack(opts: StoreOptions<unknown, unknown>, bottom: BytesLayer, topic: TopicRef, timestampOf?: (v: Uint8Array) => number): BytesLayer {
  let stack = bottom;
  if (topic.logging) stack = new ChangeLoggingLayer(stack, () => topic.topic!, timestampOf);
  if (opts.caching !== false) stack = new CachingLayer(stack);
  return stack;
}

function keyValueBottom(opts: StoreOptions<unknown, unknown>): BytesLayer {
  return opts.store === 'memory' ? new MemoryBytesStore() : new LevelDbBytesStore();
}

export function createKeyValueStore<K, V>(opts: StoreOptions<K, V>): KeyValueStoreInternal<K, V> {
  const topic = new TopicRef(opts.logging !== false, opts.changelogTopic);
  const stack = composeStack(opts as StoreOptions<unknown, unknown>, keyValueBottom(opts as StoreOptions<unknown, unknown>), topic);
  return new MeteredKeyValueStore<K, V>(opts, stack, topic, plainCodec(opts.value, () => topic.serdeTopic(opts.name)));
}

export function createTimestampedKeyValueStore<K, V>(opts: StoreOptions<K, V>): TimestampedKeyValueStoreInternal<K, V> {
  const topic = new TopicRef(opts.logging !== false, opts.changelogTopic);
  const stack = composeStack(opts as StoreOptions<unknown, unknown>, keyValueBottom(opts as StoreOptions<unknown, unknown>), topic, timestampOfBytes);
  return new TimestampedKeyValueStoreImpl<K, V>(opts, stack, topic, timestampedCodec(opts.value, () => topic.serdeTopic(opts.name)));
}

type SegmentedOptions = Pick<WindowStoreOptions<unknown, unknown>, 'store' | 'segmentInterval' | 'kafkaStore'>;

const kafkaStoreOf = (o: SegmentedOptions): KafkaStoreKind => o.kafkaStore ?? (o.store === 'memory' ? 'in-memory' : 'rocksdb');

/** The bytes store at the bottom of a window or session store. */
function segmentedBottom(o: SegmentedOptions, segmentTime: (key: Uint8Array) => number, retention: number): SegmentedBytesStore {
  return new SegmentedBytesStore(o.store === 'memory' ? 'memory' : 'leveldb', kafkaStoreOf(o), segmentTime, retention, segmentInterval(o, retention));
}

/**
 * Kafka's default segment interval for persistent stores: max(retention / 2, 60 s). In-memory window and session
 * stores are not segmented in Kafka (their suppliers report 1 ms): one segment per time (segmented-store.ts).
 */
function segmentInterval(o: SegmentedOptions, retention: number): number {
  if (kafkaStoreOf(o) === 'in-memory') return 1;
  return o.segmentInterval === undefined ? Math.max(Math.floor(retention / 2), 60_000) : toMillis(o.segmentInterval, 'segmentInterval');
}

function windowParts<K, V>(opts: WindowStoreOptions<K, V>, timestamped: boolean) {
  const o = opts as WindowStoreOptions<unknown, unknown>;
  const retention = toMillis(o.retention, `store '${o.name}' retention`);
  const windowSize = toMillis(o.windowSize, `store '${o.name}' windowSize`);
  const retainDuplicates = o.retainDuplicates === true;
  const topic = new TopicRef(o.logging !== false, o.changelogTopic);
  const bottom = segmentedBottom(o, windowStartOf, retention);
  // Kafka never caches stores that retain duplicates (stream-stream join stores).
  const { stack, emitTime } = segmentedStack({ ...o, caching: o.caching !== false && !retainDuplicates }, bottom, topic, timestamped);
  return { topic, stack, windowSize, retainDuplicates, emitTime };
}

/**
 * composeStack for segmented stores, which also keep the last emitted close time of onWindowClose() below the
 * cache (emit-time.ts): it writes to the changelogging layer (or the bytes store when logging is off).
 */
function segmentedStack(opts: StoreOptions<unknown, unknown>, bottom: BytesLayer, topic: TopicRef, timestamped: boolean): { stack: BytesLayer; emitTime: EmitCloseTime } {
  const uncached = topic.logging ? new ChangeLoggingLayer(bottom, () => topic.topic!, timestamped ? timestampOfBytes : undefined) : bottom;
  const stack = opts.caching !== false ? new CachingLayer(uncached) : uncached;
  return { stack, emitTime: new EmitCloseTime(uncached, timestamped) };
}

export function createWindowStore<K, V>(opts: WindowStoreOptions<K, V>): WindowStoreInternal<K, V> {
  const { topic, stack, windowSize, retainDuplicates, emitTime } = windowParts(opts, false);
  const s = new MeteredWindowStore<K, V>(opts, stack, topic, plainCodec(opts.value, () => topic.serdeTopic(opts.name)), windowSize, retainDuplicates);
  s.emitTime = emitTime;
  return s;
}

export function createTimestampedWindowStore<K, V>(opts: WindowStoreOptions<K, V>): TimestampedWindowStoreInternal<K, V> {
  const { topic, stack, windowSize, retainDuplicates, emitTime } = windowParts(opts, true);
  const codec = timestampedCodec(opts.value, () => topic.serdeTopic(opts.name));
  const s = new TimestampedWindowStoreImpl<K, V>(opts, stack, topic, codec, windowSize, retainDuplicates);
  s.emitTime = emitTime;
  s.timeOrdered = opts.timeOrdered === true;
  return s;
}

export function createSessionStore<K, V>(opts: SessionStoreOptions<K, V>): SessionStoreInternal<K, V> {
  const o = opts as SessionStoreOptions<unknown, unknown>;
  const retention = toMillis(o.retention, `store '${o.name}' retention`);
  const topic = new TopicRef(o.logging !== false, o.changelogTopic);
  const bottom = segmentedBottom(o, sessionEndOf, retention);
  const { stack, emitTime } = segmentedStack(o, bottom, topic, false);
  const s = new MeteredSessionStore<K, V>(opts, stack, topic, plainCodec(opts.value, () => topic.serdeTopic(opts.name)));
  s.emitTime = emitTime;
  return s;
}
