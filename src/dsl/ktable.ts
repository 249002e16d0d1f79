/** KTable<K, V>: the public interface and its hidden Impl. */
import type { KeyValue } from '../api/records.ts';
import type { Grouped, Materialized, Named } from './options.ts';
import type { TableState } from './internal.ts';
import { KStreamImpl, type KStream } from './kstream.ts';
import { KGroupedTableImpl, type KGroupedTable } from './grouped-table.ts';
import * as t from './ops/table.ts';
import { tableTableJoin } from './ops/join-table-table.ts';
import { foreignKeyJoin } from './ops/join-fk.ts';
import { suppress } from './ops/suppress.ts';
import type { Suppressed } from '../windowing/suppressed.ts';

/** A changelog stream read as a table: the latest value per key; a null value deletes (Kafka's KTable). */
export interface KTable<K, V> {
  filter(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>): KTable<K, V>;
  filterNot(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>): KTable<K, V>;
  mapValues<VR>(mapper: (value: V, key: K) => VR, materialized?: Materialized<K, VR>): KTable<K, VR>;
  /** The table's changes as a stream; a delete arrives as a record whose value is null. */
  toStream(): KStream<K, V>;
  toStream<KR>(keyMapper: (key: K, value: V) => KR): KStream<KR, V>;
  /** Re-keys the table for an aggregation with adder and subtractor. */
  groupBy<KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR>;
  /**
   * Holds back updates: Suppressed.untilWindowCloses() emits only each window's final result (windowed tables);
   * Suppressed.untilTimeLimit(d) emits a key's latest value once d of stream time passed since its first update.
   */
  suppress(suppressed: Suppressed): KTable<K, V>;
  /** Inner join on the primary key: a result while both sides have a row; timestamp = max of both. */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  /** Foreign-key inner join: each row joins the other table's row whose key the extractor returns. */
  join<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V, key: K) => KO | null, joiner: (value: V, otherValue: VO) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  /** Left join on the primary key: every left row has a result, joined with null while the right row is missing. */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  /** Foreign-key left join: rows without a match (or with a null foreign key) join with null. */
  leftJoin<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V, key: K) => KO | null, joiner: (value: V, otherValue: VO | null) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  /** Outer join on the primary key: a result while either side has a row. */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  /** The name of the store to query, or null when the table is not materialized under a user name. */
  readonly queryableStoreName: string | null;
}

/** Materialized for a join result, plus `name`: the base name of the join's processors (Kafka's Named / TableJoined). */
export type TableJoinMaterialized<K, V> = Materialized<K, V> & { name?: string };

type F2 = (a: unknown, b: unknown) => never;
const u = <F>(f: F) => f as unknown as F2;

export class KTableImpl<K, V> implements KTable<K, V> {
  /** @internal the DSL handle's graph state. */
  readonly state: TableState;

  /** @internal */
  constructor(state: TableState) {
    this.state = state;
  }

  get queryableStoreName(): string | null {
    return this.state.queryable === false ? null : this.state.storeName;
  }
  filter(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>): KTable<K, V> {
    return new KTableImpl<K, V>(t.tableFilter(this.state, u(predicate), false, materialized as Materialized<unknown, unknown>));
  }
  filterNot(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>): KTable<K, V> {
    return new KTableImpl<K, V>(t.tableFilter(this.state, u(predicate), true, materialized as Materialized<unknown, unknown>));
  }
  mapValues<VR>(mapper: (value: V, key: K) => VR, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return new KTableImpl<K, VR>(t.tableMapValues(this.state, u(mapper), materialized as Materialized<unknown, unknown>));
  }
  suppress(suppressed: Suppressed): KTable<K, V> {
    return new KTableImpl<K, V>(suppress(this.state, suppressed));
  }
  toStream<KR>(keyMapper?: (key: K, value: V) => KR, named?: Named): KStream<KR, V> {
    return new KStreamImpl<KR, V>(t.toStream(this.state, keyMapper ? u(keyMapper) : null, named));
  }
  groupBy<KR, VR>(selector: (key: K, value: V) => KeyValue<KR, VR>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR> {
    return new KGroupedTableImpl<KR, VR>(t.tableGroupBy(this.state, u(selector), grouped));
  }
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  join<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V, key: K) => KO | null, joiner: (value: V, otherValue: VO) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  join<VR>(other: unknown, a: unknown, b?: unknown, c?: unknown): KTable<K, VR> {
    return new KTableImpl<K, VR>(tableJoin(this.state, other, a, b, c, false));
  }
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  leftJoin<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V, key: K) => KO | null, joiner: (value: V, otherValue: VO | null) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR>;
  leftJoin<VR>(other: unknown, a: unknown, b?: unknown, c?: unknown): KTable<K, VR> {
    return new KTableImpl<K, VR>(tableJoin(this.state, other, a, b, c, true));
  }
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, materialized?: TableJoinMaterialized<K, VR>): KTable<K, VR> {
    return new KTableImpl<K, VR>(tableTableJoin(this.state, (other as unknown as KTableImpl<K, VO>).state, joiner as F2J, 'outer', materialized as JM));
  }
}

type F2J = (a: unknown, b: unknown) => unknown;
type JM = TableJoinMaterialized<unknown, unknown> | undefined;

function tableJoin(self: TableState, other: unknown, a: unknown, b: unknown, c: unknown, left: boolean): TableState {
  const o = (other as unknown as { state?: TableState } | null)?.state;
  if (!o || !('storeName' in o)) throw new TypeError(`${left ? 'leftJoin' : 'join'}: the first argument must be a KTable.`);
  if (typeof b === 'function') return foreignKeyJoin(self, o, a as F2J, b as F2J, left, c as JM);
  return tableTableJoin(self, o, a as F2J, left ? 'left' : 'inner', b as JM);
}
