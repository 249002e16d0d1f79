/**
 * Windowing against Kafka Streams 4.4's TopologyTestDriver (fixtures in test/fixtures/java, see test/java/README.md):
 * every window-*, sliding-*, session-* and suppress-* fixture with both cache variants, plus the describe fixtures.
 */
import { describe, it } from 'vitest';
import {
  BufferConfig, EmitStrategy, SessionWindows, SlidingWindows, Suppressed, TimeWindows, serdes,
  type StreamsBuilder, type TopologyTestDriver,
} from '../../src/index.ts';
import { bothCaches, kvPairs, runFixture } from './harness.ts';

type S = string;
const out = (size: number) => ({ key: serdes.windowed(serdes.string(), { windowSize: size }), value: serdes.int64() });
const outStr = (size: number) => ({ key: serdes.windowed(serdes.string(), { windowSize: size }), value: serdes.string() });
const sessOut = { key: serdes.sessionWindowed(serdes.string()), value: serdes.int64() };
const sessOutStr = { key: serdes.sessionWindowed(serdes.string()), value: serdes.string() };
const input = (b: StreamsBuilder) => b.stream<S, S>('input').groupByKey();

async function windowPairs(driver: TopologyTestDriver, name: string): Promise<Array<[unknown, unknown]>> {
  const pairs: Array<[unknown, unknown]> = [];
  for await (const e of driver.getWindowStore(name).all()) pairs.push([{ key: e.key, window: e.window }, e.value]);
  return pairs;
}

async function sessionPairs(driver: TopologyTestDriver, name: string): Promise<Array<[unknown, unknown]>> {
  const pairs: Array<[unknown, unknown]> = [];
  for await (const e of driver.getSessionStore(name).all!()) pairs.push([{ key: e.key, window: e.window }, e.value]);
  return pairs;
}

const tumbling = (grace: number) => TimeWindows.of({ size: 10, grace });
const hopping = () => TimeWindows.of({ size: 10, advanceBy: 5, grace: 5 });
const sliding = () => SlidingWindows.of({ timeDifference: 10, grace: 5 });
const sessions = () => SessionWindows.of({ inactivityGap: 5, grace: 2 });
const sumAgg = (_k: S, v: S, agg: number) => agg + Number(v);
const ws = (name: string) => ({ [name]: (d: TopologyTestDriver) => windowPairs(d, name) });
const ss = (name: string) => ({ [name]: (d: TopologyTestDriver) => sessionPairs(d, name) });

describe('describe() of windowed topologies equals Java', () => {
  it('describe-windowed-count', () => runFixture('describe-windowed-count', (b) => {
    input(b).windowedBy(tumbling(5)).count().toStream().to('output', out(10));
  }));
  it('describe-suppress', () => runFixture('describe-suppress', (b) => {
    input(b).windowedBy(tumbling(0)).count().suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('output', out(10));
  }));
  it('describe-suppress-named', () => runFixture('describe-suppress-named', (b) => {
    input(b).count().suppress(Suppressed.untilTimeLimit(10, BufferConfig.maxRecords(2).emitEarlyWhenFull()).withName('my-suppress'))
      .toStream().to('output', { key: serdes.string(), value: serdes.int64() });
  }));
});

describe('time windows equal Java', () => {
  for (const name of bothCaches('window-tumbling-count-grace0')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(tumbling(0)).count({ storeName: 'wcounts' }).toStream().to('output', out(10));
    }, { stores: ws('wcounts') }));
  }
  for (const name of bothCaches('window-tumbling-count-grace5')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(tumbling(5)).count({ storeName: 'wcounts' }).toStream().to('output', out(10));
    }, { stores: ws('wcounts') }));
  }
  for (const name of [...bothCaches('window-tumbling-aggregate'), ...bothCaches('window-tumbling-random')]) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(tumbling(5)).aggregate(() => 0, sumAgg, { storeName: 'wagg', key: serdes.string(), value: serdes.int64() })
        .toStream().to('output', out(10));
    }, { stores: ws('wagg') }));
  }
  for (const name of bothCaches('window-tumbling-reduce')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(tumbling(5)).reduce((agg, v) => `${agg},${v}`, { storeName: 'wreduce' }).toStream().to('output', outStr(10));
    }, { stores: ws('wreduce') }));
  }
  for (const name of bothCaches('window-tumbling-onwindowclose')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(tumbling(5)).emitStrategy(EmitStrategy.onWindowClose()).count({ storeName: 'wcounts' }).toStream().to('output', out(10));
    }, { stores: ws('wcounts') }));
  }
  for (const name of [...bothCaches('window-hopping-count'), ...bothCaches('window-hopping-random')]) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(hopping()).count({ storeName: 'wcounts' }).toStream().to('output', out(10));
    }, { stores: ws('wcounts') }));
  }
  for (const name of bothCaches('window-hopping-onwindowclose')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(hopping()).emitStrategy(EmitStrategy.onWindowClose()).count().toStream().to('output', out(10));
    }));
  }
});

describe('sliding windows equal Java', () => {
  for (const name of bothCaches('sliding-count')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sliding()).count({ storeName: 'scounts' }).toStream().to('output', out(10));
    }, { stores: ws('scounts') }));
  }
  for (const name of bothCaches('sliding-reduce')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sliding()).reduce((agg, v) => `${agg},${v}`, { storeName: 'sreduce' }).toStream().to('output', outStr(10));
    }, { stores: ws('sreduce') }));
  }
  for (const name of bothCaches('sliding-random')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sliding()).aggregate(() => 0, sumAgg, { storeName: 'sagg', key: serdes.string(), value: serdes.int64() })
        .toStream().to('output', out(10));
    }, { stores: ws('sagg') }));
  }
  for (const name of bothCaches('sliding-javadoc-example')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(SlidingWindows.of({ timeDifference: 5000 })).aggregate(() => '', (_k, v, agg) => `${agg}[${v}]`, { storeName: 'sagg' })
        .toStream().to('output', outStr(5000));
    }, { stores: ws('sagg') }));
  }
  for (const name of bothCaches('sliding-onwindowclose')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sliding()).emitStrategy(EmitStrategy.onWindowClose()).count().toStream().to('output', out(10));
    }));
  }
});

describe('session windows equal Java', () => {
  for (const name of bothCaches('session-count')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sessions()).count({ storeName: 'sessions' }).toStream().to('output', sessOut);
    }, { stores: ss('sessions') }));
  }
  for (const name of [...bothCaches('session-aggregate'), ...bothCaches('session-random')]) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sessions())
        .aggregate(() => '', (_k, v, agg) => agg + v, (_k, left, right) => `${left}|${right}`, { storeName: 'sessions' })
        .toStream().to('output', sessOutStr);
    }, { stores: ss('sessions') }));
  }
  for (const name of bothCaches('session-reduce')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sessions()).reduce((agg, v) => `${agg},${v}`, { storeName: 'sessions' }).toStream().to('output', sessOutStr);
    }, { stores: ss('sessions') }));
  }
  for (const name of bothCaches('session-onwindowclose')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(sessions()).emitStrategy(EmitStrategy.onWindowClose()).count().toStream().to('output', sessOut);
    }));
  }
});

describe('suppress equals Java', () => {
  for (const name of bothCaches('window-suppress-untilwindowcloses')) {
    it(name, () => runFixture(name, (b) => {
      input(b).windowedBy(tumbling(5)).count({ storeName: 'wcounts' }).suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream().to('output', out(10));
    }, { stores: ws('wcounts') }));
  }
  it('window-suppress-random', () => runFixture('window-suppress-random', (b) => {
    input(b).windowedBy(tumbling(5)).count({ key: serdes.string(), value: serdes.int64() })
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('output', out(10));
  }));
  for (const name of bothCaches('suppress-timelimit')) {
    it(name, () => runFixture(name, (b) => {
      input(b).count({ storeName: 'counts' }).suppress(Suppressed.untilTimeLimit(10, BufferConfig.maxRecords(2).emitEarlyWhenFull()))
        .toStream().to('output', { key: serdes.string(), value: serdes.int64() });
    }, { stores: { counts: (d) => kvPairs(d, 'counts') } }));
  }
});
