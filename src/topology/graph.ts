/**
 * The topology graph the DSL writes: sources, processors, sinks and store definitions, named the way
 * Kafka Streams names them. Nodes are plain data; processor code is looked up by `kind` in the runtime's
 * processor table (src/processors), so this layer runs no records.
 */
import type { Serde } from '../api/serde.ts';
import type { Duration, Headers, StreamRecord } from '../api/records.ts';
import type { ProcParams, ProcKind } from './proc-params.ts';

export type TimestampExtractor = (record: StreamRecord<unknown, unknown>, partitionTime: number) => number;

export interface SourceNode {
  readonly type: 'source';
  readonly name: string;
  readonly topics: readonly string[];
  readonly pattern?: RegExp;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly timestampExtractor?: TimestampExtractor;
  readonly offsetReset?: 'earliest' | 'latest';
  /** Internal (repartition, FK subscription) topics are created by the runtime and prefixed with the applicationId. */
  readonly internal: boolean;
  /** A global-table source: read in full by every instance, not partitioned into tasks. */
  readonly global?: boolean;
  /** The topic carries KTable changes (old and new value), written by a sink with `changes`. */
  readonly changes?: boolean;
}

export interface ProcessorNode<P extends ProcKind = ProcKind> {
  readonly type: 'processor';
  readonly name: string;
  readonly kind: P;
  readonly parents: readonly string[];
  readonly params: ProcParams[P];
  /** Stores this processor reads or writes (connected stores). */
  readonly stores: readonly string[];
}

export type TopicNameExtractor = (record: StreamRecord<unknown, unknown>) => string;
export type Partitioner = (topic: string, key: unknown, value: unknown, numPartitions: number) => number | undefined;

export interface SinkNode {
  readonly type: 'sink';
  readonly name: string;
  readonly parents: readonly string[];
  readonly topic: string | TopicNameExtractor;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly partitioner?: Partitioner;
  readonly internal: boolean;
  /** Number of partitions requested for an internal topic (repartition({ partitions })). */
  readonly partitions?: number;
  /** Writes KTable changes (old and new value) for a downstream KTable aggregation. */
  readonly changes?: boolean;
}

export type GraphNode = SourceNode | ProcessorNode | SinkNode;

export type StoreKind = 'keyValue' | 'timestampedKeyValue' | 'window' | 'timestampedWindow' | 'session' | 'suppressBuffer';

export interface StoreSpec {
  readonly name: string;
  readonly kind: StoreKind;
  readonly keySerde?: Serde<unknown>;
  readonly valueSerde?: Serde<unknown>;
  readonly store?: 'leveldb' | 'memory';
  readonly logging: boolean;
  readonly caching: boolean;
  readonly windowSizeMs?: number;
  readonly retentionMs?: number;
  readonly retainDuplicates?: boolean;
  /** Window/session stores of EmitStrategy.onWindowClose(): Kafka's time-ordered stores (dumps in time order). */
  readonly timeOrdered?: boolean;
  /** Set when the store is a source KTable's store that may reuse its input topic as changelog. */
  readonly sourceTopic?: string;
  /** A global store, fed by a global source. */
  readonly global?: boolean;
  readonly userDefined?: boolean;
}

export type { Duration, Headers };

export interface OldValueRequest {
  node: string;
  kind: 'oldValues' | 'filterSelf' | 'valueGetter';
  force: boolean;
}

/** The graph under construction. The builder's one mutable thing: a node list plus counters. */
export class TopologyGraph {
  readonly nodes = new Map<string, GraphNode>();
  readonly order: string[] = [];
  readonly stores = new Map<string, StoreSpec>();
  /**
   * Kafka's KTable.enableSendingOldValues calls and value-getter materializations, in DSL order; replayed at
   * build() (src/topology/old-values.ts) because each call's result depends on what was materialized before it.
   */
  readonly oldValueRequests: OldValueRequest[] = [];
  /** A downstream operator needs old values from table node `node` (force: materialize a source table if needed). */
  enableSendingOldValues(node: string, force: boolean): void {
    this.oldValueRequests.push({ node, kind: 'oldValues', force });
  }
  /** A KTable filter asks its parent for old values without forcing (Kafka: avoids needless tombstones). */
  filterAsksParent(filterNode: string): void {
    this.oldValueRequests.push({ node: filterNode, kind: 'filterSelf', force: false });
  }
  /** A value getter (joins) needs the table's current values: materialize the source table if not yet. */
  requireValueGetter(node: string): void {
    this.oldValueRequests.push({ node, kind: 'valueGetter', force: true });
  }
  /** Groups of source topics that must be co-partitioned (joins). */
  readonly copartitionGroups: string[][] = [];
  private index = 0;

  newProcessorName(prefix: string): string {
    return `${prefix}${String(this.index++).padStart(10, '0')}`;
  }

  newStoreName(prefix: string): string {
    return `${prefix}STATE-STORE-${String(this.index++).padStart(10, '0')}`;
  }

  add<N extends GraphNode>(node: N): N {
    if (this.nodes.has(node.name)) {
      throw new Error(`Topology: a node named '${node.name}' already exists; choose another name (names must be unique).`);
    }
    if (node.type !== 'source') {
      for (const p of node.parents) {
        if (!this.nodes.has(p)) throw new Error(`Topology: node '${node.name}' names parent '${p}', which does not exist.`);
      }
    }
    this.nodes.set(node.name, Object.freeze(node) as unknown as GraphNode);
    this.order.push(node.name);
    return node;
  }

  addProcessor<P extends ProcKind>(name: string, kind: P, parents: readonly string[], params: ProcParams[P], stores: readonly string[] = []): ProcessorNode<P> {
    return this.add({ type: 'processor', name, kind, parents: [...parents], params, stores: [...stores] });
  }

  addStore(spec: StoreSpec): void {
    const existing = this.stores.get(spec.name);
    if (existing) {
      if (existing.kind !== spec.kind) {
        throw new Error(`Topology: store '${spec.name}' is defined twice with different types (${existing.kind} and ${spec.kind}); store names must be unique.`);
      }
      return;
    }
    this.stores.set(spec.name, Object.freeze(spec));
  }

  /** Connects an existing processor to more stores (the node stays frozen: it is replaced). */
  connectStores(nodeName: string, stores: readonly string[]): void {
    const node = this.nodes.get(nodeName);
    if (!node || node.type !== 'processor') throw new Error(`Topology: cannot connect stores to '${nodeName}': not a processor.`);
    const merged = [...new Set([...node.stores, ...stores])];
    this.nodes.set(nodeName, Object.freeze({ ...node, stores: merged }));
  }

  children(name: string): string[] {
    const out: string[] = [];
    for (const n of this.order) {
      const node = this.nodes.get(n)!;
      if (node.type !== 'source' && node.parents.includes(name)) out.push(n);
    }
    return out;
  }
}
