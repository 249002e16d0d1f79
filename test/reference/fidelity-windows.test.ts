/**
 * Issue 10 parts 2 and 7 against Kafka Streams 4.4's TopologyTestDriver (FidelityWindowScenarios.java): session
 * lookups from record time - gap < 0, sessions accepted at the retention bound under onWindowClose(), and seeded
 * random families of both, each with Kafka's default (RocksDB) session store and its in-memory one
 * (`store: 'memory'`), caches on and off. Scenario names carry the parameters: g = gap, gr = grace, s = seed.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmitStrategy, SessionWindows, SlidingWindows, TimeWindows, serdes, type StreamsBuilder, type TopologyTestDriver } from '../../src/index.ts';
import { bothCaches, runFixture } from './harness.ts';

type S = string;
type Kind = 'leveldb' | 'memory';

async function sessionPairs(driver: TopologyTestDriver, name: string): Promise<Array<[unknown, unknown]>> {
  const pairs: Array<[unknown, unknown]> = [];
  for await (const e of driver.getSessionStore(name).all!()) pairs.push([{ key: e.key, window: e.window }, e.value]);
  return pairs;
}
const stores = { sessions: (d: TopologyTestDriver) => sessionPairs(d, 'sessions') };

async function windowPairs(driver: TopologyTestDriver, name: string): Promise<Array<[unknown, unknown]>> {
  const pairs: Array<[unknown, unknown]> = [];
  for await (const e of driver.getWindowStore(name).all()) pairs.push([{ key: e.key, window: e.window }, e.value]);
  return pairs;
}

interface Params { gap: number; grace: number; onClose: boolean; store: Kind; count: boolean }

/** The topology of FidelityWindowScenarios.session(...). */
function build(p: Params) {
  return (b: StreamsBuilder): void => {
    let w = b.stream<S, S>('input').groupByKey().windowedBy(SessionWindows.of({ inactivityGap: p.gap, grace: p.grace }));
    if (p.onClose) w = w.emitStrategy(EmitStrategy.onWindowClose());
    const materialized = { storeName: 'sessions', ...(p.store === 'memory' ? { store: 'memory' as const } : {}) };
    if (p.count) {
      w.count(materialized).toStream().to('output', { key: serdes.sessionWindowed(serdes.string()), value: serdes.int64() });
    } else {
      w.aggregate(() => '', (_k, v, agg) => agg + v, (_k, left, right) => `${left}|${right}`, materialized)
        .toStream().to('output', { key: serdes.sessionWindowed(serdes.string()), value: serdes.string() });
    }
  };
}

const fixtures = readdirSync(new URL('../fixtures/java/', import.meta.url)).map((f) => f.replace(/\.json$/, ''));
/** Random fixtures of one family with their parameters parsed from the name. */
function family(prefix: string, onClose: boolean): Array<[string, Params]> {
  const re = new RegExp(`^${prefix}-s\\d+-g(\\d+)-gr(\\d+)-(count|agg)-(leveldb|memory)(-nocache)?$`);
  return fixtures.flatMap((name): Array<[string, Params]> => {
    const m = re.exec(name);
    return m ? [[name, { gap: Number(m[1]), grace: Number(m[2]), onClose, count: m[3] === 'count', store: m[4] as Kind }]] : [];
  }).sort(([a], [b]) => a.localeCompare(b));
}

describe('issue 10 part 2: sessions merge when record time - gap < 0 (as Kafka)', () => {
  for (const store of ['leveldb', 'memory'] as const) {
    for (const name of [...bothCaches(`fw-session-negbound-${store}`), ...bothCaches(`fw-session-negbound-reverse-${store}`)]) {
      it(name, () => runFixture(name, build({ gap: 5000, grace: 0, onClose: false, store, count: true }), { stores }));
    }
  }
});

describe('issue 10 part 7: a session accepted at the retention bound is emitted on window close (as Kafka)', () => {
  for (const store of ['leveldb', 'memory'] as const) {
    for (const name of bothCaches(`fw-session-close-retention-${store}`)) {
      it(name, () => runFixture(name, build({ gap: 3000, grace: 0, onClose: true, store, count: true }), { stores }));
    }
  }
});

describe('seeded random sessions from time 0 equal Java', () => {
  const all = family('fw-szero', false);
  it('has 50 seeds, each with both cache variants', () => expect(all.length).toBe(100));
  for (const [name, p] of all) it(name, () => runFixture(name, build(p), { stores }));
});

describe('seeded random onWindowClose sessions around the retention bound equal Java', () => {
  const all = family('fw-sclose', true);
  it('has 50 seeds, each with both cache variants', () => expect(all.length).toBe(100));
  for (const [name, p] of all) it(name, () => runFixture(name, build(p), { stores }));
});

for (const [prefix, store] of [['fw-wmem', 'memory'], ['fw-wdef', 'leveldb']] as const) {
  describe(`seeded random windows with ${store} window stores (store dumps included) equal Java`, () => {
    const re = new RegExp(`^${prefix}-s\\d+-(tumbling|hopping|sliding)-(update|close)(-nocache)?$`);
    const all = fixtures.filter((n) => re.test(n)).sort();
    it('has 24 seeds, each with both cache variants', () => expect(all.length).toBe(48));
    for (const name of all) {
      const [, type, emit] = re.exec(name)!;
      it(name, () => runFixture(name, (b) => {
        const g = b.stream<S, S>('input').groupByKey();
        const w = type === 'sliding' ? g.windowedBy(SlidingWindows.of({ timeDifference: 10, grace: 5 }))
          : g.windowedBy(TimeWindows.of({ size: 10, grace: 5, ...(type === 'hopping' ? { advanceBy: 5 } : {}) }));
        (emit === 'close' ? w.emitStrategy(EmitStrategy.onWindowClose()) : w).count({ storeName: 'wcounts', ...(store === 'memory' ? { store } : {}) })
          .toStream().to('output', { key: serdes.windowed(serdes.string(), { windowSize: 10 }), value: serdes.int64() });
      }, { stores: { wcounts: (d) => windowPairs(d, 'wcounts') } }));
    }
  });
}
