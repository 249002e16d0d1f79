/** KStream<K, V>: the public interface (TSDoc here) and its hidden Impl (one-line delegations to ops/). */
import type { KeyValue, StreamRecord } from '../api/records.ts';
import type { FixedKeyProcessorSupplier, ProcessorSupplier } from '../api/processor.ts';
import type { BranchOptions, Grouped, Materialized, Named, Produced, RepartitionOptions } from './options.ts';
import type { StreamState } from './internal.ts';
import type { KTable } from './ktable.ts';
import type { KGroupedStream } from './grouped-stream.ts';
import type { ProcessOptions } from './ops/process.ts';
import * as ops from './ops/stateless.ts';
import { repartition, to } from './ops/sink.ts';
import { process, processValues } from './ops/process.ts';
import { SplitState } from './ops/split.ts';
import { groupBy, groupByKey, toTable } from './ops/group.ts';
import { KTableImpl } from './ktable.ts';
import { KGroupedStreamImpl } from './grouped-stream.ts';
import type { GlobalKTable } from './global-ktable.ts';
import type { JoinWindows } from '../windowing/join-windows.ts';
import type { JoinOptions } from './ops/join-common.ts';
import { dispatchStreamJoin } from './ops/join-dispatch.ts';

/** split(): add branches, then end with defaultBranch() or noDefaultBranch() to get the branches by name. */
export interface BranchedKStream<K, V> {
  branch(predicate: (key: K, value: V) => boolean, options?: BranchOptions): BranchedKStream<K, V>;
  defaultBranch(options?: BranchOptions): Record<string, KStream<K, V>>;
  noDefaultBranch(): Record<string, KStream<K, V>>;
}

/** An unbounded stream of key-value records (Kafka's KStream). */
export interface KStream<K, V> {
  /** Keeps records for which the predicate holds; a type guard narrows V. */
  filter<S extends V>(predicate: (key: K, value: V) => value is S, named?: Named): KStream<K, S>;
  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V>;
  /** Drops records for which the predicate holds. */
  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V>;
  /** New key and value per record; marks the stream for repartitioning before a grouping or join. */
  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, named?: Named): KStream<KR, VR>;
  /** New value per record (value first); the key is unchanged. */
  mapValues<VR>(mapper: (value: V, key: K) => VR, named?: Named): KStream<K, VR>;
  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, named?: Named): KStream<KR, VR>;
  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, named?: Named): KStream<K, VR>;
  selectKey<KR>(selector: (key: K, value: V) => KR, named?: Named): KStream<KR, V>;
  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V>;
  foreach(action: (key: K, value: V) => void, named?: Named): void;
  print(options?: { label?: string }): void;
  split(options?: { name?: string }): BranchedKStream<K, V>;
  merge(other: KStream<K, V>, named?: Named): KStream<K, V>;
  /** Writes to a topic, or to the topic a function of the record names. Serdes default to those known upstream. */
  to(topic: string | ((record: StreamRecord<K, V>) => string), produced?: Produced<K, V>): void;
  repartition(options?: RepartitionOptions<K, V>): KStream<K, V>;
  toTable(materialized?: Materialized<K, V>): KTable<K, V>;
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V>;
  groupBy<KR>(selector: (key: K, value: V) => KR, grouped?: Grouped<KR, V>): KGroupedStream<KR, V>;
  process<KR, VR>(supplier: ProcessorSupplier<K, V, KR, VR>, options?: ProcessOptions): KStream<KR, VR>;
  processValues<VR>(supplier: FixedKeyProcessorSupplier<K, V, VR>, options?: ProcessOptions): KStream<K, VR>;
  /**
   * Windowed inner join with another stream: each record joins every other-side record with the same key whose
   * timestamp is in [ts - before, ts + after]; the result's timestamp is the max of both.
   */
  join<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO) => VR, windows: JoinWindows, options?: JoinOptions<K, V, VO>): KStream<K, VR>;
  /** Inner join with a table: each stream record looks up the table's current value for its key. */
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT) => VR, options?: JoinOptions<K, V, VT>): KStream<K, VR>;
  /** Inner join with a global table, looked up by the key the selector returns. */
  join<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: GV) => VR, named?: Named): KStream<K, VR>;
  /** Left windowed join: a record without a match is joined with null once its window (plus grace) closed. */
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, windows: JoinWindows, options?: JoinOptions<K, V, VO>): KStream<K, VR>;
  /** Left join with a table: a record without a table row is joined with null. */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | null) => VR, options?: JoinOptions<K, V, VT>): KStream<K, VR>;
  leftJoin<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: GV | null) => VR, named?: Named): KStream<K, VR>;
  /** Outer windowed join: records of either side without a match are joined with null once their window closed. */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, windows: JoinWindows, options?: JoinOptions<K, V, VO>): KStream<K, VR>;
}

const u = <F>(f: F) => f as unknown as (a: unknown, b: unknown) => never;

export class KStreamImpl<K, V> implements KStream<K, V> {
  /** @internal the DSL handle's graph state. */
  readonly state: StreamState;

  /** @internal */
  constructor(state: StreamState) {
    this.state = state;
  }

  private next<K2, V2>(s: StreamState): KStream<K2, V2> {
    return new KStreamImpl<K2, V2>(s);
  }

  filter<S extends V>(predicate: (key: K, value: V) => value is S, named?: Named): KStream<K, S>;
  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V>;
  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.next(ops.filter(this.state, u(predicate), false, named));
  }
  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.next(ops.filter(this.state, u(predicate), true, named));
  }
  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, named?: Named): KStream<KR, VR> {
    return this.next(ops.map(this.state, u(mapper), named));
  }
  mapValues<VR>(mapper: (value: V, key: K) => VR, named?: Named): KStream<K, VR> {
    return this.next(ops.mapValues(this.state, u(mapper), named));
  }
  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, named?: Named): KStream<KR, VR> {
    return this.next(ops.flatMap(this.state, u(mapper), named));
  }
  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, named?: Named): KStream<K, VR> {
    return this.next(ops.flatMapValues(this.state, u(mapper), named));
  }
  selectKey<KR>(selector: (key: K, value: V) => KR, named?: Named): KStream<KR, V> {
    return this.next(ops.selectKey(this.state, u(selector), named));
  }
  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V> {
    return this.next(ops.peek(this.state, u(action), named));
  }
  foreach(action: (key: K, value: V) => void, named?: Named): void {
    ops.foreach(this.state, u(action), named);
  }
  print(options?: { label?: string }): void {
    ops.print(this.state, options?.label);
  }
  split(options?: { name?: string }): BranchedKStream<K, V> {
    const split = new SplitState(this.state, options?.name);
    const wrap = (r: Record<string, StreamState>) =>
      Object.fromEntries(Object.entries(r).map(([k, s]) => [k, new KStreamImpl<K, V>(s)])) as Record<string, KStream<K, V>>;
    const branched: BranchedKStream<K, V> = {
      branch: (predicate, opts) => (split.branch(u(predicate), opts), branched),
      defaultBranch: (opts) => (split.branch(null, opts), wrap(split.finish())),
      noDefaultBranch: () => wrap(split.finish()),
    };
    return branched;
  }
  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    return this.next(ops.merge(this.state, (other as KStreamImpl<K, V>).state, named));
  }
  to(topic: string | ((record: StreamRecord<K, V>) => string), produced?: Produced<K, V>): void {
    to(this.state, topic, produced);
  }
  repartition(options?: RepartitionOptions<K, V>): KStream<K, V> {
    return this.next(repartition(this.state, options));
  }
  toTable(materialized?: Materialized<K, V>): KTable<K, V> {
    return new KTableImpl<K, V>(toTable(this.state, materialized as Materialized<unknown, unknown> | undefined));
  }
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return new KGroupedStreamImpl<K, V>(groupByKey(this.state, grouped));
  }
  groupBy<KR>(selector: (key: K, value: V) => KR, grouped?: Grouped<KR, V>): KGroupedStream<KR, V> {
    return new KGroupedStreamImpl<KR, V>(groupBy(this.state, u(selector), grouped));
  }
  process<KR, VR>(supplier: ProcessorSupplier<K, V, KR, VR>, options?: ProcessOptions): KStream<KR, VR> {
    return this.next(process(this.state, supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>, options));
  }
  processValues<VR>(supplier: FixedKeyProcessorSupplier<K, V, VR>, options?: ProcessOptions): KStream<K, VR> {
    return this.next(processValues(this.state, supplier as unknown as FixedKeyProcessorSupplier<unknown, unknown, unknown>, options));
  }
  join<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO) => VR, windows: JoinWindows, options?: JoinOptions<K, V, VO>): KStream<K, VR>;
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT) => VR, options?: JoinOptions<K, V, VT>): KStream<K, VR>;
  join<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: GV) => VR, named?: Named): KStream<K, VR>;
  join<VR>(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, VR> {
    return this.next(dispatchStreamJoin(this.state, other, a, b, c, 'inner'));
  }
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, windows: JoinWindows, options?: JoinOptions<K, V, VO>): KStream<K, VR>;
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | null) => VR, options?: JoinOptions<K, V, VT>): KStream<K, VR>;
  leftJoin<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: GV | null) => VR, named?: Named): KStream<K, VR>;
  leftJoin<VR>(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, VR> {
    return this.next(dispatchStreamJoin(this.state, other, a, b, c, 'left'));
  }
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, windows: JoinWindows, options?: JoinOptions<K, V, VO>): KStream<K, VR> {
    return this.next(dispatchStreamJoin(this.state, other, joiner, windows, options, 'outer'));
  }
}

