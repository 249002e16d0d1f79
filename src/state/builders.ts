/**
 * Store factories: one short function composes each stack,
 * Metered (serdes, counters) -> Caching (optional) -> ChangeLogging (optional) -> LevelDB or memory.
 */
import { CachingLayer } from './caching.ts';
import { ChangeLoggingLayer } from './change-logging.ts';
import { plainCodec, timestampedCodec, timestampOfBytes } from './codecs.ts';
import type { BytesLayer } from './layer.ts';
import { LevelDbBytesStore } from './leveldb-store.ts';
import { MemoryBytesStore } from './memory-store.ts';
import { TopicRef } from './metered-base.ts';
import { MeteredKeyValueStore } from './metered-kv.ts';
import type { StoreOptions } from './options.ts';
import { TimestampedKeyValueStoreImpl } from './timestamped-kv.ts';
import type { KeyValueStoreInternal, TimestampedKeyValueStoreInternal } from './types.ts';

export type { StoreOptions, WindowStoreOptions, SessionStoreOptions } from './options.ts';

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
