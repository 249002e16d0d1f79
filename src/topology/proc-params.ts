/**
 * Processor kinds and their parameters: a closed union. The runtime's processor table is a
 * Record<ProcKind, Factory>, so a kind without a processor fails `tsc`.
 * User functions are stored with `unknown` types; the typed DSL handles guarantee their real types.
 */
import type { KeyValue } from '../api/records.ts';
import type { ProcessorSupplier } from '../api/processor.ts';
import type { GetterSpec, JoinMode } from './getter-spec.ts';
import type { FkParams, StreamStreamJoinParams } from './join-params.ts';
import type { SessionWindows, SlidingWindows, TimeWindows } from '../windowing/index.ts';

export type KV = KeyValue<unknown, unknown>;
type Pred = (key: unknown, value: unknown) => boolean;

export interface ProcParams {
  filter: { predicate: Pred; not: boolean };
  map: { mapper: (key: unknown, value: unknown) => KV };
  mapValues: { mapper: (value: unknown, key: unknown) => unknown };
  flatMap: { mapper: (key: unknown, value: unknown) => Iterable<KV> };
  flatMapValues: { mapper: (value: unknown, key: unknown) => Iterable<unknown> };
  selectKey: { selector: (key: unknown, value: unknown) => unknown };
  peek: { action: (key: unknown, value: unknown) => void; forward: boolean };
  print: { label: string; print: (line: string) => void };
  /** split(): each record goes to the first branch whose predicate matches (null = default branch). */
  branch: { branches: Array<{ predicate: Pred | null; child: string }> };
  /** merge, and other pure pass-through nodes. */
  passthrough: Record<string, never>;
  /** A processor that drops records with a null key before a repartition sink. */
  repartitionFilter: Record<string, never>;
  process: { supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>; fixedKey: boolean };
  /** builder.table() / stream.toTable(): a KTable source; storeName null = not materialized. */
  ktableSource: { storeName: string | null; topic: string | null; materializeAs: string };
  ktableFilter: { predicate: Pred; not: boolean; storeName: string | null };
  ktableMapValues: { mapper: (value: unknown, key: unknown) => unknown; storeName: string | null };
  ktableToStream: { keyMapper: ((key: unknown, value: unknown) => unknown) | null };
  streamAggregate: { storeName: string; initializer: () => unknown; aggregator: (key: unknown, value: unknown, agg: unknown) => unknown };
  streamReduce: { storeName: string; reducer: (agg: unknown, value: unknown) => unknown };
  ktableRepartitionMap: { selector: (key: unknown, value: unknown) => KV };
  ktableAggregate: {
    storeName: string;
    initializer: () => unknown;
    adder: (key: unknown, value: unknown, agg: unknown) => unknown;
    subtractor: (key: unknown, value: unknown, agg: unknown) => unknown;
  };
  ktableReduce: { storeName: string; adder: (agg: unknown, value: unknown) => unknown; subtractor: (agg: unknown, value: unknown) => unknown };
  // ---- joins (src/processors/join-*.ts, fk/) ----
  /** KStream-KTable and KStream-GlobalKTable join: only stream records trigger; keyMapper null = the record key. */
  streamTableJoin: { getter: GetterSpec; joiner: (value: unknown, other: unknown) => unknown; left: boolean; keyMapper: ((key: unknown, value: unknown) => unknown) | null };
  /** KSTREAM-WINDOWED: forwards, then puts the record in its side's join window store. */
  joinWindow: { storeName: string };
  /** KSTREAM-JOINTHIS/JOINOTHER/OUTERTHIS/OUTEROTHER: one side of a stream-stream join. */
  streamStreamJoin: StreamStreamJoinParams;
  /** KTABLE-JOINTHIS/JOINOTHER: one side of a table-table join (`right` = the other side of a left join). */
  ktableJoin: { getter: GetterSpec; joiner: (thisValue: unknown, otherValue: unknown) => unknown; mode: 'inner' | 'left' | 'right' | 'outer' };
  /** KTABLE-MERGE of a table-table join; materialized when storeName is set. */
  ktableJoinMerge: { storeName: string | null; mode: JoinMode; joiner: (v1: unknown, v2: unknown) => unknown };
  /** A pass-through of KTable changes whose old values come from all parents (cogroup merge). */
  ktableMerge: { storeName: string | null };
  fkSubscriptionRegistration: FkParams;
  fkSubscriptionReceive: FkParams;
  fkSubscriptionJoin: FkParams;
  fkForeignTableJoin: FkParams;
  fkResponseResolver: FkParams;
  /** Windowed aggregations (src/processors/windowed): time, sliding and session windows. */
  timeWindowAggregate: WindowAggParams<TimeWindows>;
  slidingWindowAggregate: WindowAggParams<SlidingWindows>;
  sessionWindowAggregate: WindowAggParams<SessionWindows> & { merger: (key: unknown, agg1: unknown, agg2: unknown) => unknown };
  /** KTable.suppress: a time-ordered buffer per key (Kafka's KTableSuppressProcessor). */
  suppress: SuppressParams;
}

export interface WindowAggParams<W> {
  storeName: string;
  windows: W;
  initializer: () => unknown;
  aggregator: (key: unknown, value: unknown, agg: unknown) => unknown;
  /** EmitStrategy.onWindowClose(): emit each window once, when it closes. */
  emitFinal: boolean;
}

export interface SuppressParams {
  storeName: string;
  /** 'windowEnd' (untilWindowCloses) or 'record' timestamp (untilTimeLimit) decides a record's buffer time. */
  bufferTime: 'windowEnd' | 'record';
  /** Records leave the buffer once buffer time <= stream time - suppressDurationMs. */
  suppressDurationMs: number;
  maxRecords: number;
  maxBytes: number;
  onFull: 'EMIT_EARLY' | 'SHUT_DOWN';
  /** untilWindowCloses: a tombstone leaving the buffer is not forwarded. */
  safeToDropTombstones: boolean;
}

export type ProcKind = keyof ProcParams;
