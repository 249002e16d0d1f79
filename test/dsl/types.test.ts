/**
 * Type tests: checked by `tsc --noEmit` (npm test), which covers test/. The `expectTypeOf` calls are no-ops at
 * run time; every `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  StreamsBuilder, defineApp, serdes,
  type KGroupedStream, type KGroupedTable, type KStream, type KTable, type KeyValueStore, type ProcessorContext, type StreamRecord,
} from '../../src/index.ts';

interface View { user: string; page: string; ms: number }

describe('DSL types', () => {
  it('K and V flow through a chain without annotations', () => {
    const b = new StreamsBuilder();
    const views = b.stream('views', { key: serdes.string(), value: serdes.json<View>() });
    expectTypeOf(views).toEqualTypeOf<KStream<string, View>>();

    const pages = views.filter((_user, v) => v.page !== '/health').mapValues((v) => v.page);
    expectTypeOf(pages).toEqualTypeOf<KStream<string, string>>();

    const lengths = pages.map((user, page) => ({ key: page, value: user.length }));
    expectTypeOf(lengths).toEqualTypeOf<KStream<string, number>>();

    const grouped = lengths.groupByKey();
    expectTypeOf(grouped).toEqualTypeOf<KGroupedStream<string, number>>();
    const sums = grouped.reduce((a, v) => a + v);
    expectTypeOf(sums).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(sums.toStream()).toEqualTypeOf<KStream<string, number>>();

    const words = views.flatMapValues((v) => v.page.split('/'));
    expectTypeOf(words).toEqualTypeOf<KStream<string, string>>();
    const pairs = views.flatMap((k, v) => [{ key: v.ms, value: k }]);
    expectTypeOf(pairs).toEqualTypeOf<KStream<number, string>>();
    expectTypeOf(views.selectKey((_k, v) => v.ms)).toEqualTypeOf<KStream<number, View>>();
    expectTypeOf(views.peek(() => undefined)).toEqualTypeOf<KStream<string, View>>();
    expectTypeOf(views.merge(views)).toEqualTypeOf<KStream<string, View>>();
    expectTypeOf(views.repartition()).toEqualTypeOf<KStream<string, View>>();
    expectTypeOf(views.toTable()).toEqualTypeOf<KTable<string, View>>();
    expectTypeOf(views.foreach(() => undefined)).toEqualTypeOf<void>();
  });

  it('the types also flow inside defineApp(build)', () => {
    defineApp({
      applicationId: 'types',
      build(b) {
        const counts = b.stream('in', { key: serdes.string(), value: serdes.string() }).groupBy((_k, v) => v.length).count();
        expectTypeOf(counts).toEqualTypeOf<KTable<number, number>>();
      },
    });
  });

  it('a type-guard filter narrows V', () => {
    const b = new StreamsBuilder();
    const mixed = b.stream<string, string | number | null>('in');
    const strings = mixed.filter((_k, v): v is string => typeof v === 'string');
    expectTypeOf(strings).toEqualTypeOf<KStream<string, string>>();
    const notNull = mixed.filter((_k, v): v is string | number => v !== null);
    expectTypeOf(notNull).toEqualTypeOf<KStream<string, string | number>>();
    // a plain boolean predicate keeps V
    expectTypeOf(mixed.filter(() => true)).toEqualTypeOf<KStream<string, string | number | null>>();
    expectTypeOf(mixed.filterNot(() => true)).toEqualTypeOf<KStream<string, string | number | null>>();
  });

  it('to() with a serde of the wrong type does not compile', () => {
    const b = new StreamsBuilder();
    const s = b.stream('in', { key: serdes.string(), value: serdes.string() });
    // @ts-expect-error a Serde<number> cannot write string values
    s.to('t', { value: serdes.int64() });
    // @ts-expect-error a Serde<number> cannot write string keys
    s.to('t', { key: serdes.int32() });
    s.to('t', { key: serdes.string(), value: serdes.string() });
    s.mapValues((v) => v.length).to('t', { value: serdes.int64() });
    // @ts-expect-error bigint64 is a Serde<bigint>, not Serde<number>
    s.mapValues((v) => v.length).to('t', { value: serdes.bigint64() });
    // the topic extractor sees the typed record
    s.to((r) => { expectTypeOf(r).toEqualTypeOf<StreamRecord<string, string>>(); return r.value; });
    // @ts-expect-error the partitioner gets the typed key
    s.to('t', { partitioner: (_t: string, k: number) => k });
  });

  it('mapValues gets (value, key); map returns { key, value }; selectKey and KStream.groupBy return the key', () => {
    const b = new StreamsBuilder();
    const s = b.stream('in', { key: serdes.int32(), value: serdes.string() });
    s.mapValues((value, key) => {
      expectTypeOf(value).toEqualTypeOf<string>();
      expectTypeOf(key).toEqualTypeOf<number>();
      return value;
    });
    s.flatMapValues((value, key) => {
      expectTypeOf(value).toEqualTypeOf<string>();
      expectTypeOf(key).toEqualTypeOf<number>();
      return [value];
    });
    s.map((key, value) => {
      expectTypeOf(key).toEqualTypeOf<number>();
      expectTypeOf(value).toEqualTypeOf<string>();
      return { key: value, value: key };
    });
    // @ts-expect-error map must return { key, value }, not a tuple
    s.map((k, v) => [v, k]);
    // @ts-expect-error flatMap returns an iterable of { key, value }
    s.flatMap((k, v) => [[v, k]]);
    expectTypeOf(s.groupBy((_k, v) => v.length)).toEqualTypeOf<KGroupedStream<number, string>>();
  });

  it('count gives number; aggregate gives the initializer type; materialized serdes must match', () => {
    const b = new StreamsBuilder();
    const g = b.stream('in', { key: serdes.string(), value: serdes.string() }).groupByKey();
    expectTypeOf(g.count()).toEqualTypeOf<KTable<string, number>>();
    const agg = g.aggregate(() => ({ n: 0 }), (key, value, a) => {
      expectTypeOf(key).toEqualTypeOf<string>();
      expectTypeOf(value).toEqualTypeOf<string>();
      return { n: a.n + value.length };
    });
    expectTypeOf(agg).toEqualTypeOf<KTable<string, { n: number }>>();
    // @ts-expect-error the count store holds numbers, not strings
    g.count({ value: serdes.string() });
    // @ts-expect-error the reducer must return V
    g.reduce((a, v) => a.length + v.length);
  });

  it('split returns Record<string, KStream<K, V>>', () => {
    const b = new StreamsBuilder();
    const branches = b.stream('in', { key: serdes.string(), value: serdes.int32() }).split()
      .branch((_k, v) => v > 0)
      .defaultBranch();
    expectTypeOf(branches).toEqualTypeOf<Record<string, KStream<string, number>>>();
    const noDefault = b.stream('in2', { key: serdes.string(), value: serdes.int32() }).split().branch((_k, v) => v > 0).noDefaultBranch();
    expectTypeOf(noDefault).toEqualTypeOf<Record<string, KStream<string, number>>>();
  });

  it('KTable.groupBy returns { key, value }; KGroupedTable aggregate takes adder and subtractor', () => {
    const b = new StreamsBuilder();
    const t = b.table('users', { key: serdes.string(), value: serdes.json<{ region: string; age: number }>() });
    const byRegion = t.groupBy((_user, u) => ({ key: u.region, value: u.age }));
    expectTypeOf(byRegion).toEqualTypeOf<KGroupedTable<string, number>>();
    // @ts-expect-error KTable.groupBy returns { key, value }, not just the key
    t.groupBy((_user, u) => u.region);
    const sum = byRegion.aggregate(() => 0, (_k, v, a) => a + v, (_k, v, a) => a - v);
    expectTypeOf(sum).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(byRegion.reduce((a, v) => a + v, (a, v) => a - v)).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(byRegion.count()).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(t.mapValues((u, user) => `${user}:${u.age}`)).toEqualTypeOf<KTable<string, string>>();
    expectTypeOf(t.filter((_k, u) => u.age > 18)).toEqualTypeOf<KTable<string, { region: string; age: number }>>();
    expectTypeOf(t.toStream((k, u) => u.age)).toEqualTypeOf<KStream<number, { region: string; age: number }>>();
    expectTypeOf(t.queryableStoreName).toEqualTypeOf<string | null>();
  });

  it('process and processValues carry the output types; the context is typed', () => {
    const b = new StreamsBuilder();
    const s = b.stream('in', { key: serdes.string(), value: serdes.string() });
    const out = s.process<number, boolean>(() => {
      let ctx!: ProcessorContext<number, boolean>;
      return {
        init(c) { ctx = c; expectTypeOf(c.getStateStore<KeyValueStore<string, number>>('s')).toEqualTypeOf<KeyValueStore<string, number>>(); },
        process(r) {
          expectTypeOf(r).toEqualTypeOf<StreamRecord<string, string>>();
          // @ts-expect-error the processor forwards number keys
          void ctx.forward({ key: 'x', value: true, timestamp: 0 });
          return ctx.forward({ key: r.value.length, value: true, timestamp: r.timestamp });
        },
      };
    });
    expectTypeOf(out).toEqualTypeOf<KStream<number, boolean>>();
    expectTypeOf(s.processValues<number>(() => ({ process() {} }))).toEqualTypeOf<KStream<string, number>>();
  });

  it('a stream without serdes has unknown types until the user says otherwise', () => {
    const b = new StreamsBuilder();
    expectTypeOf(b.stream('in')).toEqualTypeOf<KStream<unknown, unknown>>();
    expectTypeOf(b.stream<string, number>('in2')).toEqualTypeOf<KStream<string, number>>();
  });
});
