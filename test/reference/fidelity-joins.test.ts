/**
 * Issue 10, parts 4 and 8, compared with Java Kafka Streams 4.4's TopologyTestDriver (test/fixtures/java/fidelity-*,
 * from FidelityJoinScenarios.java): outer and left stream-stream joins with records sharing key, side and timestamp,
 * and cached materialized table-table joins with deletes. The random scenarios' windows and topologies are derived
 * from the number in their name exactly as FidelityJoinScenarios.ssWindow / ttVariant do.
 */
import { describe, it } from 'vitest';
import { JoinWindows, type KTable, type ProcessorContext, type StreamsBuilder } from '../../src/index.ts';
import { bothCaches, kvPairs, runFixture, type RunOptions } from './harness.ts';

type B = StreamsBuilder;
type T = KTable<string, string>;
const PLUS = (a: unknown, b: unknown) => `${String(a)}+${String(b)}`;
const BAR = (a: unknown, b: unknown) => `${String(a)}|${String(b)}`;
const kv = (...names: string[]): RunOptions['stores'] =>
  Object.fromEntries(names.map((n) => [n, (d: Parameters<typeof kvPairs>[0]) => kvPairs(d, n)]));
const pad = (n: number) => String(n).padStart(2, '0');

/** FidelityJoinScenarios.ssWindow: [before, after, grace] of random stream-stream scenario n. */
function ssWindow(n: number): [number, number, number] {
  const b = [0, 1, 2, 3, 6][n % 5];
  let a = [0, 2, 3, 5, 1][Math.floor(n / 5) % 5];
  const g = [0, 1, 4, 10][Math.floor(n / 2) % 4];
  if (n % 7 === 6 && b > 0) a = -1;
  return [b, a, g];
}

/**
 * `store`: the join's stores (LevelDB's shared store is scanned asynchronously when it keeps no key index).
 * `asyncDownstream`: an async processor after the join, so that forwards return promises mid-scan (its output is
 * unchanged; the topology then differs from Java's, so describe() is not compared).
 */
const ssJoin = (op: 'outerJoin' | 'leftJoin', w: JoinWindows, store?: 'leveldb', asyncDownstream = false) => (b: B) => {
  const left = b.stream<string, string>('left');
  const right = b.stream<string, string>('right');
  const options = store ? { store } : undefined;
  const joined = op === 'outerJoin' ? left.outerJoin(right, PLUS, w, options) : left.leftJoin(right, PLUS, w, options);
  if (!asyncDownstream) return joined.to('output');
  joined.processValues<string>(() => {
    let ctx!: ProcessorContext<string, string>;
    return {
      init(c) { ctx = c; },
      async process(r) {
        await Promise.resolve();
        await ctx.forward(r);
      },
    };
  }).to('output');
};

/** FidelityJoinScenarios.ttJoin. */
const ttJoin = (kind: number, viaStream: boolean, upperMaterialized: boolean) => (b: B) => {
  const src: T = viaStream ? b.stream<string, string>('s').toTable() : b.table<string, string>('s');
  const upper: T = upperMaterialized ? src.mapValues((v) => v.toUpperCase(), { storeName: 'upper-store' }) : src.mapValues((v) => v.toUpperCase());
  const t = b.table<string, string>('t');
  const m = { storeName: 'joined' };
  const joined: KTable<string, string> = kind === 0 ? upper.join(t, BAR, m) : kind === 1 ? upper.leftJoin(t, BAR, m) : upper.outerJoin(t, BAR, m);
  joined.toStream().to('out');
};

describe('outer stream-stream joins: records sharing key, side and timestamp', () => {
  const repro = JoinWindows.of({ timeDifference: 2000, grace: 5000 });
  it('fidelity-ssj-outer-repeated-ts', () => runFixture('fidelity-ssj-outer-repeated-ts', ssJoin('outerJoin', repro)));
  it('fidelity-ssj-outer-repeated-ts (LevelDB stores)', () => runFixture('fidelity-ssj-outer-repeated-ts', ssJoin('outerJoin', repro, 'leveldb')));
  it('fidelity-ssj-outer-repeated-ts (async processor after the join)', () =>
    runFixture('fidelity-ssj-outer-repeated-ts', ssJoin('outerJoin', repro, undefined, true), { describe: false }));
  for (let n = 0; n < 75; n++) {
    const op = n < 50 ? 'outerJoin' : 'leftJoin';
    const name = `fidelity-ssj-${n < 50 ? 'outer' : 'left'}-${pad(n)}`;
    const [before, after, grace] = ssWindow(n);
    const w = JoinWindows.of({ timeDifference: Math.max(before, after, 0), grace, before, after });
    it(name, () => runFixture(name, ssJoin(op, w)));
    it(`${name} (LevelDB stores)`, () => runFixture(name, ssJoin(op, w, 'leveldb')));
    if (n % 5 === 0) it(`${name} (async processor after the join)`, () => runFixture(name, ssJoin(op, w, undefined, true), { describe: false }));
  }
});

describe('cached materialized table-table joins: deletes flush with the context they were written with', () => {
  for (const name of bothCaches('fidelity-tt-cached-tombstone')) {
    it(name, () => runFixture(name, ttJoin(0, true, false), { stores: kv('joined') }));
  }
  for (let n = 0; n < 50; n++) {
    const [kind, viaStream, upperMaterialized] = [n % 3, Math.floor(n / 3) % 2 === 1, Math.floor(n / 6) % 2 === 1];
    const stores = upperMaterialized ? kv('joined', 'upper-store') : kv('joined');
    for (const name of bothCaches(`fidelity-tt-${pad(n)}`)) {
      it(name, () => runFixture(name, ttJoin(kind, viaStream, upperMaterialized), { stores }));
    }
  }
});
