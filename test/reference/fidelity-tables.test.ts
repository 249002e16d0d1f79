/**
 * Issue 10 parts 3, 5 and 6 against Kafka Streams 4.4 (fixtures from test/java FidelityTableScenarios.java):
 * old values of materialized filters / mapValues under groupBy, value getters of windowed (time, sliding,
 * session) and suppressed tables in table-table and stream-table joins. Fixed reproductions, then the seeded
 * random families fidelity-wt-VARIANT-OP-sSEED and fidelity-mf-VARIANT-sSEED, whose topology is derived from the
 * name exactly as the Java side builds it. Every fixture runs with and without caching.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BufferConfig, EmitStrategy, SessionWindows, SlidingWindows, Suppressed, TimeWindows, serdes,
  type KTable, type StreamsBuilder, type TopologyTestDriver,
} from '../../src/index.ts';
import { bothCaches, kvPairs, runFixture } from './harness.ts';

type S = string;
type B = StreamsBuilder;
const str = serdes.string();
const long = serdes.int64();
const twOut = (size: number) => ({ key: serdes.windowed(serdes.string(), { windowSize: size }), value: str });
const swOut = { key: serdes.sessionWindowed(serdes.string()), value: str };
const BAR = (x: unknown, y: unknown) => `${String(x)}|${String(y)}`;
/** Java's Materialized.with(Serdes.String(), Serdes.Long()) for counts (it burns a name index, as Java's does). */
const wl = { key: str, value: long };
const kv = (...names: string[]) => Object.fromEntries(names.map((n) => [n, (d: TopologyTestDriver) => kvPairs(d, n)]));

describe('issue 10 reproductions equal Java', () => {
  const regroupLong = (t: KTable<S, number>) => {
    t.toStream().to('filtered', { key: str, value: long });
    t.groupBy((k, v) => ({ key: k, value: v }), { key: str, value: long })
      .reduce((a, v) => a + v, (a, v) => a - v, { storeName: 'reduced', key: str, value: long })
      .toStream().to('reduced', { key: str, value: long });
  };
  for (const name of bothCaches('fidelity-filter-materialized-groupby')) {
    it(name, () => runFixture(name, (b) => {
      regroupLong(b.table<S, number>('topic1', { key: str, value: long }).filter((_k, v) => v % 2 === 0, { storeName: 'store2', key: str, value: long }));
    }, { stores: kv('store2', 'reduced') }));
  }
  for (const name of bothCaches('fidelity-mapvalues-materialized-groupby')) {
    it(name, () => runFixture(name, (b) => {
      regroupLong(b.table<S, number>('topic1', { key: str, value: long }).mapValues((v) => v * 10, { storeName: 'store2', key: str, value: long }));
    }, { stores: kv('store2', 'reduced') }));
  }
  const tenSeconds = () => TimeWindows.of({ size: 10000, grace: 0 });
  for (const name of bothCaches('fidelity-windowed-table-join')) {
    it(name, () => runFixture(name, (b) => {
      const ca = b.stream<S, S>('a').groupByKey().windowedBy(tenSeconds()).count(wl);
      const cb = b.stream<S, S>('b').groupByKey().windowedBy(tenSeconds()).count(wl);
      ca.join(cb, BAR).toStream().to('output', twOut(10000));
    }));
  }
  for (const name of bothCaches('fidelity-windowed-suppressed-leftjoin')) {
    it(name, () => runFixture(name, (b) => {
      const ca = b.stream<S, S>('a').groupByKey().windowedBy(tenSeconds()).count(wl).suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
      const cb = b.stream<S, S>('b').groupByKey().windowedBy(tenSeconds()).count(wl);
      ca.leftJoin(cb, BAR).toStream().to('output', twOut(10000));
    }));
  }
  for (const name of bothCaches('fidelity-suppressed-stream-table')) {
    it(name, () => runFixture(name, (b) => {
      b.stream<S, S>('clicks')
        .leftJoin(b.table<S, S>('users').suppress(Suppressed.untilTimeLimit(1000, BufferConfig.unbounded())), (c, u) => `${String(u)}:${c}`)
        .to('output');
    }));
  }
  for (const name of bothCaches('fidelity-suppressed-table-outerjoin')) {
    it(name, () => runFixture(name, (b) => {
      b.table<S, S>('a').suppress(Suppressed.untilTimeLimit(1000, BufferConfig.unbounded())).outerJoin(b.table<S, S>('b'), BAR).toStream().to('output');
    }));
  }
});

// ---- family a: windowed / suppressed tables in joins (FidelityTableScenarios.wt) ----
type Op = 'join' | 'left' | 'outer';
function op<K, V1, V2>(o: Op, l: KTable<K, V1>, r: KTable<K, V2>): KTable<K, string> {
  if (o === 'join') return l.join(r, BAR);
  if (o === 'left') return l.leftJoin(r, BAR);
  return l.outerJoin(r, BAR);
}

function wt(b: B, v: string, o: Op): void {
  const tumbling = () => TimeWindows.of({ size: 10, grace: 3 });
  const hopping = () => TimeWindows.of({ size: 10, advanceBy: 5, grace: 5 });
  const sessions = () => SessionWindows.of({ inactivityGap: 5, grace: 2 });
  const sliding = () => SlidingWindows.of({ timeDifference: 10, grace: 5 });
  const g = (topic: string) => b.stream<S, S>(topic).groupByKey();
  switch (v) {
    case 'tumbling':
      op(o, g('a').windowedBy(tumbling()).count(wl), g('b').windowedBy(tumbling()).count(wl)).toStream().to('output', twOut(10));
      return;
    case 'hopping':
    {
      const l = g('a').windowedBy(hopping()).count(wl);
      const r = g('b').windowedBy(hopping()).count(wl);
      op(o, l.mapValues((x) => x * 10), r).toStream().to('output', twOut(10));
      return;
    }
    case 'sliding':
      op(o, g('a').windowedBy(sliding()).count(wl), g('b').windowedBy(sliding()).count(wl)).toStream().to('output', twOut(10));
      return;
    case 'session':
      op(o, g('a').windowedBy(sessions()).count(wl), g('b').windowedBy(sessions()).count(wl)).toStream().to('output', swOut);
      return;
    case 'wsuppress':
      op(o, g('a').windowedBy(tumbling()).count(wl).suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())), g('b').windowedBy(tumbling()).count(wl))
        .toStream().to('output', twOut(10));
      return;
    case 'ssuppress': {
      const l = g('a').windowedBy(sessions()).count(wl).suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
      op(o, g('b').windowedBy(sessions()).count(wl), l).toStream().to('output', swOut);
      return;
    }
    case 'tsuppress':
      op(o, b.table<S, S>('a').suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded())), b.table<S, S>('b')).toStream().to('output');
      return;
    case 'tsuppress2': {
      const l = b.table<S, S>('a');
      const r = b.table<S, S>('b').filter((_k, x) => !x.endsWith('0')).suppress(Suppressed.untilTimeLimit(5, BufferConfig.maxRecords(2).emitEarlyWhenFull()));
      op(o, l, r).toStream().to('output');
      return;
    }
    case 'csuppress':
      op(o, b.stream<S, S>('a').groupByKey().count({ storeName: 'counts' }).suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded())), b.table<S, S>('b'))
        .toStream().to('output');
      return;
    case 'stsuppress': {
      const t = b.table<S, S>('b').suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded()));
      const joiner = (c: S, u: S | null) => `${String(u)}:${c}`;
      (o === 'join' ? b.stream<S, S>('a').join(t, joiner) : b.stream<S, S>('a').leftJoin(t, joiner)).to('output');
      return;
    }
    case 'wclose': {
      const l = g('a').windowedBy(tumbling()).emitStrategy(EmitStrategy.onWindowClose()).count(wl);
      op(o, l, g('b').windowedBy(tumbling()).count(wl)).toStream().to('output', twOut(10));
      return;
    }
    case 'sessfilter': {
      const l = g('a').windowedBy(sessions()).count(wl);
      const r = g('b').windowedBy(sessions()).count(wl);
      op(o, r, l.filter((_k, x) => x > 1)).toStream().to('output', swOut);
      return;
    }
    case 'tsuppressmap':
      op(o, b.table<S, S>('a').suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded())).mapValues((x) => x + '!'), b.table<S, S>('b'))
        .toStream().to('output');
      return;
    case 'wsuppressmap': {
      const l = g('a').windowedBy(tumbling()).count(wl).suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
      const r = g('b').windowedBy(tumbling()).count(wl);
      op(o, l.mapValues((x) => x + 100), r).toStream().to('output', twOut(10));
      return;
    }
    case 'fksuppress': {
      const l = b.table<S, S>('a');
      const r = b.table<S, S>('b').suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded()));
      const fk = (x: S) => 'k' + (Number(x.substring(1)) % 4);
      (o === 'join' ? l.join(r, fk, BAR) : l.leftJoin(r, fk, BAR)).toStream().to('output');
      return;
    }
    default:
      throw new Error(`fidelity-wt: unknown variant ${v}`);
  }
}

// ---- family b: materialized filter / mapValues under groupBy with deletes (FidelityTableScenarios.mf) ----
const n = (x: S) => Number(x);
function mf(b: B, v: string): void {
  let t: KTable<S, S>;
  switch (v) {
    case 'filter': t = b.table<S, S>('t').filter((_k, x) => n(x) % 2 === 0, { storeName: 'fstore' }); break;
    case 'filternot': t = b.table<S, S>('t').filterNot((_k, x) => n(x) % 3 === 0, { storeName: 'fstore' }); break;
    case 'mapvalues': t = b.table<S, S>('t').mapValues((x) => String(n(x) * 2), { storeName: 'fstore' }); break;
    case 'srcmat': t = b.table<S, S>('t', {}, { storeName: 'src' }).filter((_k, x) => n(x) % 2 === 0, { storeName: 'fstore' }); break;
    case 'chain': t = b.table<S, S>('t').mapValues((x) => String(n(x) + 1)).filter((_k, x) => n(x) > 4, { storeName: 'fstore' }); break;
    case 'chain2': t = b.table<S, S>('t').filter((_k, x) => n(x) !== 5, { storeName: 'fstore' }).mapValues((x) => String(n(x) * 3), { storeName: 'mstore' }); break;
    case 'stream': t = b.stream<S, S>('t').toTable().filter((_k, x) => n(x) < 7, { storeName: 'fstore' }); break;
    default: throw new Error(`fidelity-mf: unknown variant ${v}`);
  }
  t.toStream().to('filtered');
  t.groupBy((k, x) => ({ key: k === 'k0' || k === 'k1' ? 'g0' : 'g1', value: x }))
    .reduce((a, x) => String(n(a) + n(x)), (a, x) => String(n(a) - n(x)), { storeName: 'reduced' })
    .toStream().to('reduced');
}

const fixtures = readdirSync(new URL('../fixtures/java/', import.meta.url)).map((f) => f.replace(/\.json$/, ''));
const family = (prefix: string) => fixtures.filter((f) => f.startsWith(prefix)).sort();

describe('fidelity-wt: windowed and suppressed tables in joins equal Java (seeded random)', () => {
  const names = family('fidelity-wt-');
  it('has at least 50 scenarios per cache variant', () => {
    expect(names.filter((x) => !x.endsWith('-nocache')).length).toBeGreaterThanOrEqual(50);
    expect(names.filter((x) => x.endsWith('-nocache')).length).toBeGreaterThanOrEqual(50);
  });
  for (const name of names) {
    const m = /^fidelity-wt-([a-z0-9]+)-(join|left|outer)-s\d+(-nocache)?$/.exec(name);
    it(name, () => {
      if (m === null) throw new Error(`fixture name ${name} does not match fidelity-wt-VARIANT-OP-sSEED`);
      return runFixture(name, (b) => wt(b, m[1], m[2] as Op));
    });
  }
});

describe('fidelity-mf: materialized filters and mapValues under groupBy with deletes equal Java (seeded random)', () => {
  const names = family('fidelity-mf-');
  it('has at least 50 scenarios per cache variant', () => {
    expect(names.filter((x) => !x.endsWith('-nocache')).length).toBeGreaterThanOrEqual(50);
    expect(names.filter((x) => x.endsWith('-nocache')).length).toBeGreaterThanOrEqual(50);
  });
  for (const name of names) {
    const m = /^fidelity-mf-([a-z0-9]+)-s\d+(-nocache)?$/.exec(name);
    it(name, () => {
      if (m === null) throw new Error(`fixture name ${name} does not match fidelity-mf-VARIANT-sSEED`);
      return runFixture(name, (b) => mf(b, m[1]), { stores: kv('fstore', 'reduced') });
    });
  }
});
