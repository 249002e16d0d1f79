/** Join and cogroup scenarios compared with Java Kafka Streams 4.4's TopologyTestDriver (test/fixtures/java/join-*, cogroup*). */
import { describe, it } from 'vitest';
import { JoinWindows, TimeWindows, serdes, type KStream, type KTable, type StreamsBuilder, type TopologyTestDriver } from '../../src/index.ts';
import { bothCaches, kvPairs, runFixture, type RunOptions } from './harness.ts';

type B = StreamsBuilder;
type S = KStream<string, string>;
type T = KTable<string, string>;
const J = (a: unknown, b: unknown) => `${String(a)}+${String(b)}`;
const kv = (...names: string[]): RunOptions['stores'] =>
  Object.fromEntries(names.map((n) => [n, (d: Parameters<typeof kvPairs>[0]) => kvPairs(d, n)]));

const describeOnly: Record<string, (b: B) => void> = {
  'describe-stream-stream-join': (b) => b.stream<string, string>('left').join(b.stream<string, string>('right'), J, JoinWindows.of({ timeDifference: 10 })).to('output'),
  'describe-stream-stream-outerjoin-named': (b) => b.stream<string, string>('left')
    .outerJoin(b.stream<string, string>('right'), J, JoinWindows.of({ timeDifference: 10, grace: 5 }), { storeName: 'my-join', name: 'my-join-op' }).to('output'),
  'describe-stream-table-join-repartition': (b) => {
    const table = b.table<string, string>('table');
    b.stream<string, string>('input').selectKey((_k, v) => v).join(table, J).to('output');
  },
  'describe-stream-globaltable-join': (b) => {
    const g = b.globalTable<string, string>('global');
    b.stream<string, string>('input').join(g, (_k, v) => v, J).to('output');
  },
  'describe-fk-join': (b) => {
    const left = b.table<string, string>('left');
    const right = b.table<string, string>('right');
    left.join(right, (v) => v.split(':')[0], J).toStream().to('output');
  },
  'describe-table-table-join': (b) => b.table<string, string>('left').join(b.table<string, string>('right'), J).toStream().to('output'),
  'describe-cogroup': (b) => {
    const g1 = b.stream<string, string>('in1').groupByKey();
    const g2 = b.stream<string, string>('in2').groupByKey();
    g1.cogroup<string>((_k, v, agg) => `${agg}|1:${v}`).cogroup(g2, (_k, v, agg) => `${agg}|2:${v}`).aggregate(() => '').toStream().to('output');
  },
};

describe('describe() of joins equals Java TopologyDescription', () => {
  for (const [name, build] of Object.entries(describeOnly)) it(name, () => runFixture(name, build));
});

// ---- stream-stream ----
const g5 = JoinWindows.of({ timeDifference: 10, grace: 5 });
const g0 = JoinWindows.of({ timeDifference: 10 });
const asym = JoinWindows.of({ timeDifference: 10, grace: 5, before: 2, after: 8 });
const docs = JoinWindows.of({ timeDifference: 15 });
const ss = (op: 'join' | 'leftJoin' | 'outerJoin', w: JoinWindows) => (b: B) => {
  const l: S = b.stream('left');
  const r: S = b.stream('right');
  (op === 'join' ? l.join(r, J, w) : op === 'leftJoin' ? l.leftJoin(r, J, w) : l.outerJoin(r, J, w)).to('output');
};

describe('stream-stream joins', () => {
  const ops = [['join', 'inner'], ['leftJoin', 'left'], ['outerJoin', 'outer']] as const;
  for (const [op, kind] of ops) {
    it(`join-stream-stream-${kind}-grace5`, () => runFixture(`join-stream-stream-${kind}-grace5`, ss(op, g5)));
    it(`join-stream-stream-${kind}-nograce`, () => runFixture(`join-stream-stream-${kind}-nograce`, ss(op, g0)));
    it(`join-stream-stream-${kind}-asymmetric`, () => runFixture(`join-stream-stream-${kind}-asymmetric`, ss(op, asym)));
    it(`join-stream-stream-${kind}-docs`, () => runFixture(`join-stream-stream-${kind}-docs`, ss(op, docs)));
    it(`join-stream-stream-${kind}-random`, () => runFixture(`join-stream-stream-${kind}-random`, ss(op, g5)));
  }
  it('join-stream-stream-named-stores', () => runFixture('join-stream-stream-named-stores', (b) =>
    b.stream<string, string>('left').outerJoin(b.stream<string, string>('right'), J, g5, { storeName: 'ssj', name: 'ssj-op' }).to('output')));
  it('join-stream-stream-self', () => runFixture('join-stream-stream-self', (b) => {
    const s: S = b.stream('left');
    s.join(s, J, g0).to('output');
  }));
});

// ---- stream-table and stream-global-table ----
const gsel = (_k: string, v: string | null) => (v == null || v.startsWith(':') ? null : v.split(':')[0]);
const streamTable: Record<string, { build: (b: B) => void; stores?: RunOptions['stores'] }> = {
  'join-stream-table-inner': { build: (b) => b.stream<string, string>('left').join(b.table<string, string>('right'), J).to('output') },
  'join-stream-table-left': { build: (b) => b.stream<string, string>('left').leftJoin(b.table<string, string>('right'), J).to('output') },
  'join-stream-table-inner-docs': { build: (b) => b.stream<string, string>('left').join(b.table<string, string>('right'), J).to('output') },
  'join-stream-table-left-docs': { build: (b) => b.stream<string, string>('left').leftJoin(b.table<string, string>('right'), J).to('output') },
  'join-stream-table-repartition': {
    build: (b) => {
      const right = b.table<string, string>('right');
      b.stream<string, string>('left').selectKey((_k, v) => (v == null ? null : v.split(':')[0]) as string).join(right, J).to('output');
    },
  },
  'join-stream-globaltable-inner': {
    build: (b) => {
      const g = b.globalTable<string, string>('global', {}, { storeName: 'global-store' });
      b.stream<string, string>('input').join(g, gsel, J).to('output');
    },
    stores: kv('global-store'),
  },
  'join-stream-globaltable-left': {
    build: (b) => {
      const g = b.globalTable<string, string>('global', {}, { storeName: 'global-store' });
      b.stream<string, string>('input').leftJoin(g, gsel, J).to('output');
    },
    stores: kv('global-store'),
  },
};

describe('stream-table and stream-global-table joins', () => {
  for (const [base, s] of Object.entries(streamTable)) {
    for (const name of bothCaches(base)) it(name, () => runFixture(name, s.build, { stores: s.stores }));
  }
});

// ---- table-table ----
const tt = (op: 'join' | 'leftJoin' | 'outerJoin') => (b: B) => {
  const l: T = b.table('left');
  const r: T = b.table('right');
  (op === 'join' ? l.join(r, J) : op === 'leftJoin' ? l.leftJoin(r, J) : l.outerJoin(r, J)).toStream().to('output');
};

describe('table-table joins', () => {
  const ops = [['join', 'inner'], ['leftJoin', 'left'], ['outerJoin', 'outer']] as const;
  for (const [op, kind] of ops) {
    for (const variant of ['', '-docs', '-random']) {
      for (const name of bothCaches(`join-table-table-${kind}${variant}`)) it(name, () => runFixture(name, tt(op)));
    }
  }
  for (const name of bothCaches('join-table-table-materialized')) {
    it(name, () => runFixture(name, (b) => b.table<string, string>('left', {}, { storeName: 'left-store' })
      .outerJoin(b.table<string, string>('right', {}, { storeName: 'right-store' }), J, { storeName: 'joined' })
      .toStream().to('output'), { stores: kv('left-store', 'right-store', 'joined') }));
  }
});

// ---- foreign key ----
const fk = (v: string) => {
  const f = v.split(':')[0];
  return f === '' ? null : f;
};

describe('foreign-key joins', () => {
  for (const name of bothCaches('join-fk-inner')) {
    it(name, () => runFixture(name, (b) => b.table<string, string>('left').join(b.table<string, string>('right'), fk, J).toStream().to('output')));
  }
  for (const name of bothCaches('join-fk-left')) {
    it(name, () => runFixture(name, (b) => b.table<string, string>('left').leftJoin(b.table<string, string>('right'), fk, J).toStream().to('output')));
  }
  for (const name of bothCaches('join-fk-materialized')) {
    it(name, () => runFixture(name, (b) => b.table<string, string>('left')
      .leftJoin(b.table<string, string>('right'), fk, J, { storeName: 'fk-joined' }).toStream().to('output'), { stores: kv('fk-joined') }));
  }
});

// ---- cogroup ----
const cogroup = (b: B) => {
  const g1 = b.stream<string, string>('in1').groupByKey();
  const g2 = b.stream<string, string>('in2').groupByKey();
  return g1.cogroup<string>((_k, v, agg) => `${agg}|1:${v}`).cogroup(g2, (_k, v, agg) => `${agg}|2:${v}`);
};

describe('cogroup', () => {
  for (const name of bothCaches('cogroup')) {
    it(name, () => runFixture(name, (b) => cogroup(b).aggregate(() => '', { storeName: 'cogroup-store' }).toStream().to('output'), { stores: kv('cogroup-store') }));
  }
  for (const name of bothCaches('cogroup-windowed')) {
    it(name, () => runFixture(name, (b) => cogroup(b).windowedBy(TimeWindows.of({ size: 10, grace: 5 }))
      .aggregate(() => '', { storeName: 'wcogroup-store' }).toStream().to('output', { key: serdes.windowed(serdes.string(), { windowSize: 10 }) }),
    { stores: { 'wcogroup-store': (d) => windowPairs(d, 'wcogroup-store') } }));
  }
});

async function windowPairs(driver: TopologyTestDriver, name: string): Promise<Array<[unknown, unknown]>> {
  const pairs: Array<[unknown, unknown]> = [];
  for await (const e of driver.getWindowStore(name).all()) pairs.push([{ key: e.key, window: e.window }, e.value]);
  return pairs;
}
