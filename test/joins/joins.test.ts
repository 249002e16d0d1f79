/** Join behaviour beyond the Java fixtures: co-partition groups, types, argument errors, FK key moves. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { JoinWindows, StreamsBuilder, TopologyTestDriver, serdes, type KStream, type KTable } from '../../src/index.ts';

const str = serdes.string();

describe('co-partitioning', () => {
  it('records the source topics of each key-based join, repartition topics included', () => {
    const b = new StreamsBuilder();
    const table = b.table<string, string>('table');
    b.stream<string, string>('input').selectKey((_k, v) => v).join(table, (a, c) => a + c).to('out');
    b.stream<string, string>('l').join(b.stream<string, string>('r'), (a, c) => a + c, JoinWindows.of({ timeDifference: 5 })).to('out2');
    const t = b.build();
    expect(t.copartitionGroups).toEqual([['KSTREAM-KEY-SELECT-0000000004-repartition', 'table'], ['l', 'r']]);
  });

  it('puts the FK subscription topic with the right table and the response topic with the left table', () => {
    const b = new StreamsBuilder();
    b.table<string, string>('left').join(b.table<string, string>('right'), (v) => v, (a, c) => a + c).toStream().to('out');
    expect(b.build().copartitionGroups).toEqual([
      ['KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic', 'right'],
      ['KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic', 'left'],
    ]);
  });

  it('does not co-partition a global table join', () => {
    const b = new StreamsBuilder();
    const g = b.globalTable<string, string>('g');
    b.stream<string, string>('in').join(g, (_k, v) => v, (a, c) => a + c).to('out');
    expect(b.build().copartitionGroups).toEqual([]);
  });
});

describe('types', () => {
  it('infers result types and nullability of left/outer joins', () => {
    const b = new StreamsBuilder();
    const s = b.stream<string, number>('s');
    const o = b.stream<string, boolean>('o');
    const t = b.table<string, Date>('t');
    const w = JoinWindows.of({ timeDifference: 1 });
    expectTypeOf(s.join(o, (v, x) => ({ v, x }), w)).toEqualTypeOf<KStream<string, { v: number; x: boolean }>>();
    s.leftJoin(o, (v, x) => {
      expectTypeOf(x).toEqualTypeOf<boolean | null>();
      return v;
    }, w);
    s.outerJoin(o, (v, x) => {
      expectTypeOf(v).toEqualTypeOf<number | null>();
      expectTypeOf(x).toEqualTypeOf<boolean | null>();
      return 1;
    }, w);
    expectTypeOf(s.leftJoin(t, (_v, d) => d)).toEqualTypeOf<KStream<string, Date | null>>();
    const t2 = b.table<string, string>('t2');
    expectTypeOf(t.join(t2, (d, x) => `${d.getTime()}${x}`)).toEqualTypeOf<KTable<string, string>>();
    expectTypeOf(t2.leftJoin(t, (v) => v, (v, d) => [v, d] as const)).toEqualTypeOf<KTable<string, readonly [string, Date | null]>>();
  });
});

describe('argument errors', () => {
  it('rejects a KTable join with JoinWindows and an outer join with a table', () => {
    const b = new StreamsBuilder();
    const s = b.stream<string, string>('s');
    const t = b.table<string, string>('t');
    // @ts-expect-error a stream-table join takes no JoinWindows
    expect(() => s.join(t, (a, c) => a + c, JoinWindows.of({ timeDifference: 1 }))).toThrow(/takes no JoinWindows/);
    // @ts-expect-error outerJoin is for streams only
    expect(() => s.outerJoin(t, (a: string, c: string) => a + c, JoinWindows.of({ timeDifference: 1 }))).toThrow(/outer-join only another KStream/);
    // @ts-expect-error windows are required
    expect(() => s.join(s, (a: string, c: string) => a + c)).toThrow(/JoinWindows/);
  });
});

describe('foreign-key join', () => {
  it('never emits a stale result when a row moves A -> B -> A', async () => {
    const b = new StreamsBuilder();
    b.table<string, string>('orders', { key: str, value: str })
      .join(b.table<string, string>('customers', { key: str, value: str }), (v) => v.split(':')[0], (o, c) => `${o}/${c}`)
      .toStream().to('out', { key: str, value: str });
    const d = new TopologyTestDriver(b.build(), { config: { cacheMaxBytes: 0 } });
    const orders = d.createInputTopic('orders', str, str);
    const customers = d.createInputTopic('customers', str, str);
    const out = d.createOutputTopic('out', str, str);
    await customers.pipeInput('A', 'alice', 0);
    await customers.pipeInput('B', 'bob', 0);
    await orders.pipeInput('o1', 'A:1', 1);
    await orders.pipeInput('o1', 'B:2', 2);
    await orders.pipeInput('o1', 'A:3', 3);
    expect(out.readValuesToList()).toEqual(['A:1/alice', 'B:2/bob', 'A:3/alice']);
    await customers.pipeInput('B', 'bobby', 4); // o1 no longer points to B
    await customers.pipeInput('A', 'alicia', 5);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'o1', value: 'A:3/alicia' }]);
    await d.close();
  });
});
