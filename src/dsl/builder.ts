/** StreamsBuilder: where a topology starts (sources, tables, global tables, user stores) and build(). */
import type { StoreDefinition } from '../api/stores.ts';
import { toMillis } from '../api/records.ts';
import { TopologyGraph, type TimestampExtractor } from '../topology/graph.ts';
import { Topology } from '../topology/topology.ts';
import type { Consumed, Materialized } from './options.ts';
import { asUnknownSerde, checkName, resolveMaterialized, type StreamState } from './internal.ts';
import { KStreamImpl, type KStream } from './kstream.ts';
import { KTableImpl, type KTable } from './ktable.ts';
import { GlobalKTableImpl, type GlobalKTable } from './global-ktable.ts';

export class StreamsBuilder {
  /** The graph under construction. */
  private readonly graph = new TopologyGraph();
  private built: Topology | null = null;

  /** A stream from one topic, several topics or every topic matching a RegExp. */
  stream<K = unknown, V = unknown>(topics: string | string[] | RegExp, consumed?: Consumed<K, V>): KStream<K, V> {
    const list = topics instanceof RegExp ? [] : (Array.isArray(topics) ? topics : [topics]);
    if (!(topics instanceof RegExp) && list.length === 0) throw new Error('stream(): give at least one topic.');
    for (const t of list) checkName(t, 'stream() topic');
    const generated = this.graph.newProcessorName('KSTREAM-SOURCE-');
    const name = consumed?.name !== undefined ? checkName(consumed.name, 'Consumed name') : generated;
    this.graph.add({
      type: 'source', name, topics: list, pattern: topics instanceof RegExp ? topics : undefined,
      keySerde: asUnknownSerde(consumed?.key), valueSerde: asUnknownSerde(consumed?.value),
      timestampExtractor: consumed?.timestampExtractor as TimestampExtractor | undefined,
      offsetReset: consumed?.offsetReset, internal: false,
    });
    const state: StreamState = { graph: this.graph, node: name, keySerde: asUnknownSerde(consumed?.key), valueSerde: asUnknownSerde(consumed?.value), repartitionRequired: false };
    return new KStreamImpl<K, V>(state);
  }

  /** A KTable read from a topic: the latest value per key, null values delete. */
  table<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    checkName(topic, 'table() topic');
    const m = resolveMaterialized(this.graph, materialized as Materialized<unknown, unknown> | undefined, `${topic}-`);
    const genSource = this.graph.newProcessorName('KSTREAM-SOURCE-');
    const genTable = this.graph.newProcessorName('KTABLE-SOURCE-');
    const sourceName = consumed?.name !== undefined ? checkName(consumed.name, 'Consumed name') : genSource;
    const tableName = consumed?.name !== undefined ? `${consumed.name}-table-source` : genTable;
    const keySerde = m.keySerde ?? asUnknownSerde(consumed?.key);
    const valueSerde = m.valueSerde ?? asUnknownSerde(consumed?.value);
    this.graph.add({
      type: 'source', name: sourceName, topics: [topic], keySerde, valueSerde,
      timestampExtractor: consumed?.timestampExtractor as TimestampExtractor | undefined, offsetReset: consumed?.offsetReset, internal: false,
    });
    const storeName = m.queryable ? m.storeName : null;
    this.graph.addStore({ name: m.storeName, kind: 'timestampedKeyValue', keySerde, valueSerde, store: m.store, logging: m.logging, caching: m.caching, sourceTopic: topic });
    this.graph.addProcessor(tableName, 'ktableSource', [sourceName], { storeName, topic, materializeAs: m.storeName }, storeName ? [storeName] : []);
    return new KTableImpl<K, V>({ graph: this.graph, node: tableName, keySerde, valueSerde, repartitionRequired: false, storeName, sourceNode: tableName });
  }

  /** A table replicated in full to every instance; joined by a key selector. */
  globalTable<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): GlobalKTable<K, V> {
    checkName(topic, 'globalTable() topic');
    const m = resolveMaterialized(this.graph, materialized as Materialized<unknown, unknown> | undefined, `${topic}-`);
    const sourceName = this.graph.newProcessorName('KSTREAM-SOURCE-');
    const tableName = this.graph.newProcessorName('KTABLE-SOURCE-');
    const keySerde = m.keySerde ?? asUnknownSerde(consumed?.key);
    const valueSerde = m.valueSerde ?? asUnknownSerde(consumed?.value);
    this.graph.add({ type: 'source', name: sourceName, topics: [topic], keySerde, valueSerde, internal: false, global: true,
      timestampExtractor: consumed?.timestampExtractor as TimestampExtractor | undefined });
    this.graph.addStore({ name: m.storeName, kind: 'timestampedKeyValue', keySerde, valueSerde, store: m.store, logging: false, caching: false, global: true, sourceTopic: topic });
    this.graph.addProcessor(tableName, 'ktableSource', [sourceName], { storeName: m.storeName, topic, materializeAs: m.storeName }, [m.storeName]);
    return new GlobalKTableImpl<K, V>(m.storeName, keySerde, valueSerde);
  }

  /** Adds a store for the Processor API; connect it with `process(supplier, { stores: [name] })`. */
  addStateStore<K, V>(def: StoreDefinition<K, V>): this {
    checkName(def.name, 'store name');
    const kind = def.type === 'keyValue' ? 'keyValue' : def.type;
    if (kind !== 'keyValue' && kind !== 'window' && kind !== 'session') {
      throw new Error(`addStateStore('${def.name}'): type must be 'keyValue', 'window' or 'session', got '${String(def.type)}'.`);
    }
    if (this.graph.stores.has(def.name)) throw new Error(`addStateStore: a store named '${def.name}' already exists.`);
    this.graph.addStore({
      name: def.name, kind, keySerde: asUnknownSerde(def.key), valueSerde: asUnknownSerde(def.value), store: def.store,
      logging: def.logging ?? true, caching: def.caching ?? false, userDefined: true,
      windowSizeMs: def.windowSize !== undefined ? toMillis(def.windowSize, 'windowSize') : undefined,
      retentionMs: def.retention !== undefined ? toMillis(def.retention, 'retention') : undefined,
      retainDuplicates: def.retainDuplicates,
    });
    return this;
  }

  /** Freezes the graph into a Topology (names, sub-topologies, stores). */
  build(): Topology {
    if (!this.built) this.built = Topology.fromGraph(this.graph);
    return this.built;
  }
}
