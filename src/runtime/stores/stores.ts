/**
 * Turns the topology's store specs into store instances (src/state stacks) and gives each the two faces the
 * runtime needs: the internal one processors use (timestamped values, flush listener) and the public one
 * (plain values) for the Processor API, the test driver and interactive queries.
 */
import type { Serde } from '../../api/serde.ts';
import type { StoreSpec } from '../../topology/graph.ts';
import type { Topology } from '../../topology/topology.ts';
import type { ValueAndTimestamp, FlushListener } from '../../state/types.ts';
import { createKeyValueStore, createTimestampedKeyValueStore } from '../../state/builders.ts';
import type { TsKvStore } from '../../processors/table-store.ts';
import { createWindowedStoreHandle } from './store-handles.ts';
import type { StoreHandle } from './handle.ts';

export type { StoreHandle };
import { bindDefaultSerde } from '../../serdes/deferred.ts';
import { bytesEqual } from '../../serdes/parts.ts';

export interface StoreFactoryOptions {
  defaultStore: 'leveldb' | 'memory';
  defaultKeySerde: Serde<unknown>;
  defaultValueSerde: Serde<unknown>;
  /** 0 turns caches off for every store. */
  cacheMaxBytes: number;
}


export function createStore(spec: StoreSpec, opts: StoreFactoryOptions): StoreHandle {
  const key = bindDefaultSerde(spec.keySerde, opts.defaultKeySerde);
  const value = spec.valueSerde ?? opts.defaultValueSerde;
  const base = {
    name: spec.name, key, value, store: spec.store ?? opts.defaultStore,
    // Window and session stores chosen in memory by the user behave as Kafka's in-memory stores; the test driver's
    // default (memory) stores as Kafka's default RocksDB ones.
    kafkaStore: spec.store === 'memory' ? 'in-memory' as const : 'rocksdb' as const,
    logging: spec.logging, caching: spec.caching && opts.cacheMaxBytes > 0,
  };
  switch (spec.kind) {
    case 'timestampedKeyValue': {
      const s = createTimestampedKeyValueStore(base);
      const dsl: TsKvStore = {
        get: (k) => s.get(k) as ValueAndTimestamp<unknown> | undefined,
        put: (k, v) => s.put(k, v),
        setFlushListener: (l: FlushListener<unknown, unknown> | null) => s.setFlushListener(l),
        sameValue: (a, b) => bytesEqual(value.serialize(a, spec.name), value.serialize(b, spec.name)),
      };
      const plain = s.asPlainStore();
      return { spec, internal: s, dsl, publicView: () => plain };
    }
    case 'keyValue': {
      const s = createKeyValueStore(base);
      return { spec, internal: s, dsl: s, publicView: () => s };
    }
    default: {
      const h = createWindowedStoreHandle(spec, base);
      if (h) return h;
      throw new Error(`store '${spec.name}': ${spec.kind} stores are not available yet in this build.`);
    }
  }
}

/**
 * The stores a task's nodes use, created for the stream thread and the test driver alike, in the topology's store
 * order (the order their caches flush on commit): `global` picks the global stores (owned by the global task, read
 * by others) or the task's own.
 */
export function createStoresFor(topology: Topology, nodes: Iterable<string>, global: boolean, opts: StoreFactoryOptions): Map<string, StoreHandle> {
  const used = new Set<string>();
  for (const n of nodes) {
    const node = topology.node(n);
    if (node.type === 'processor') for (const name of node.stores) used.add(name);
  }
  const out = new Map<string, StoreHandle>();
  for (const spec of topology.stores.values()) {
    if (used.has(spec.name) && (spec.global === true) === global) out.set(spec.name, createStore(spec, opts));
  }
  return out;
}
