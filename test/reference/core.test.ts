/** Stateless, KTable, aggregation and Processor API scenarios compared with Java Kafka Streams 4.4's TopologyTestDriver. */
import { describe, expect, it } from 'vitest';
import { serdes, type KeyValueStore, type Processor, type ProcessorContext, type StreamsBuilder } from '../../src/index.ts';
import { bothCaches, kvPairs, runFixture } from './harness.ts';

type B = StreamsBuilder;
const str = serdes.string();
const long = serdes.int64();
const num = (v: string) => Number(v);
const groupOf = (v: string) => ({ key: v.split(':')[0], value: v.split(':')[1] });
const kv = (name: string) => ({ [name]: (d: Parameters<typeof kvPairs>[0]) => kvPairs(d, name) });

const describeOnly: Record<string, (b: B) => void> = {
  'describe-groupby-count': (b) => b.stream<string, string>('input').groupBy((_k, v) => v).count().toStream().to('output', { key: str, value: long }),
  'describe-groupby-count-materialized-only': (b) => b.stream<string, string>('input').groupBy((_k, v) => v).count({ storeName: 'counts' }).toStream().to('output', { key: str, value: long }),
  'describe-groupbykey-count': (b) => b.stream<string, string>('input').groupByKey().count().toStream().to('output', { key: str, value: long }),
  'describe-merge-repartition-groupby': (b) => {
    const a = b.stream<string, string>('in1');
    const c = b.stream<string, string>('in2');
    a.merge(c).map((k, v) => ({ key: v, value: k })).groupByKey().count().toStream().to('output', { key: str, value: long });
  },
  'describe-repartition-named': (b) => b.stream('input').repartition({ name: 'my-repartition' }).to('output'),
  'describe-repartition': (b) => b.stream('input').repartition().to('output'),
  'describe-selectkey-groupbykey-count': (b) => b.stream<string, string>('input').selectKey((_k, v) => v).groupByKey().count().toStream().to('output', { key: str, value: long }),
  'describe-stream-totable': (b) => b.stream('input').toTable().toStream().to('output'),
  'describe-table-filter-tostream': (b) => b.table<string, string>('input').filter((_k, v) => v.length > 1).toStream().to('output'),
  'describe-table-groupby-aggregate': (b) => b.table<string, string>('input').groupBy((_k, v) => ({ key: v, value: v }))
    .aggregate(() => 0, (_k, _v, agg) => agg + 1, (_k, _v, agg) => agg - 1, { key: str, value: long }).toStream().to('output', { key: str, value: long }),
  'describe-table-source': (b) => b.table('input').toStream().to('output'),
};

describe('describe() equals Java TopologyDescription', () => {
  for (const [name, build] of Object.entries(describeOnly)) it(name, () => runFixture(name, build));
});

const scenarios: Record<string, { build: (b: B) => void; stores?: string[] }> = {
  'ktable-source': { build: (b) => b.table('input').toStream().to('output') },
  'ktable-source-materialized': { build: (b) => b.table('input', {}, { storeName: 'table-store' }).toStream().to('output'), stores: ['table-store'] },
  'ktable-filter': { build: (b) => b.table<string, string>('input').filter((_k, v) => num(v) > 5).toStream().to('output') },
  'ktable-filternot': { build: (b) => b.table<string, string>('input').filterNot((_k, v) => num(v) > 5).toStream().to('output') },
  'ktable-filter-source-materialized': {
    build: (b) => b.table<string, string>('input', {}, { storeName: 'source-store' }).filter((_k, v) => num(v) > 5).toStream().to('output'),
    stores: ['source-store'],
  },
  'ktable-filter-materialized': {
    build: (b) => b.table<string, string>('input').filter((_k, v) => num(v) > 5, { storeName: 'filtered-store' }).toStream().to('output'),
    stores: ['filtered-store'],
  },
  'ktable-filter-chain': {
    build: (b) => b.table<string, string>('input', {}, { storeName: 'source-store' })
      .filter((_k, v) => num(v) > 5).mapValues((v) => 'v' + v).filter((_k, v) => v !== 'v8').toStream().to('output'),
    stores: ['source-store'],
  },
  'ktable-mapvalues': { build: (b) => b.table<string, string>('input').mapValues((v) => v + '!').toStream().to('output') },
  'ktable-mapvalues-materialized': {
    build: (b) => b.table<string, string>('input', {}, { storeName: 'source-store' }).mapValues((v) => v + '!', { storeName: 'mapped-store' }).toStream().to('output'),
    stores: ['source-store', 'mapped-store'],
  },
  'stream-totable': { build: (b) => b.stream('input').toTable({ storeName: 'table-store' }).toStream().to('output'), stores: ['table-store'] },
  'stream-groupbykey-count': {
    build: (b) => b.stream('input').groupByKey().count({ storeName: 'counts' }).toStream().to('output', { key: str, value: long }),
    stores: ['counts'],
  },
  'stream-groupbykey-reduce': {
    build: (b) => b.stream<string, string>('input').groupByKey().reduce((agg, v) => agg + ',' + v, { storeName: 'reduced' }).toStream().to('output'),
    stores: ['reduced'],
  },
  'stream-groupbykey-aggregate': {
    build: (b) => b.stream<string, string>('input').groupByKey()
      .aggregate(() => 0, (_k, v, agg) => agg + num(v), { storeName: 'agg', key: str, value: long }).toStream().to('output', { key: str, value: long }),
    stores: ['agg'],
  },
  'stream-groupby-count': {
    build: (b) => b.stream<string, string | null>('input').groupBy((_k, v) => (v === null ? null : 'g' + (num(v) % 2)))
      .count({ storeName: 'counts' }).toStream().to('output', { key: str, value: long }),
    stores: ['counts'],
  },
  'stream-groupby-reduce-named': {
    build: (b) => b.stream<string, string>('input').groupBy(() => 'all', { name: 'all-group' })
      .reduce((agg, v) => agg + ',' + v, { storeName: 'reduced' }).toStream().to('output'),
    stores: ['reduced'],
  },
  'table-groupby-count': {
    build: (b) => b.table<string, string>('input').groupBy((_k, v) => groupOf(v), { key: str, value: str })
      .count({ storeName: 'counts' }).toStream().to('output', { key: str, value: long }),
    stores: ['counts'],
  },
  'table-groupby-reduce': {
    build: (b) => b.table<string, string>('input').groupBy((_k, v) => groupOf(v), { key: str, value: str })
      .reduce((agg, v) => String(num(agg) + num(v)), (agg, v) => String(num(agg) - num(v)), { storeName: 'reduced' }).toStream().to('output'),
    stores: ['reduced'],
  },
  'table-groupby-aggregate': {
    build: (b) => b.table<string, string>('input').groupBy((_k, v) => groupOf(v), { key: str, value: str })
      .aggregate(() => 0, (_k, v, agg) => agg + num(v), (_k, v, agg) => agg - num(v), { storeName: 'agg', key: str, value: long })
      .toStream().to('output', { key: str, value: long }),
    stores: ['agg'],
  },
  'table-groupby-aggregate-string': {
    build: (b) => b.table<string, string>('input').groupBy((_k, v) => groupOf(v), { key: str, value: str })
      .aggregate(() => '', (_k, v, agg) => agg + '+' + v, (_k, v, agg) => agg + '-' + v, { storeName: 'agg' }).toStream().to('output'),
    stores: ['agg'],
  },
};

describe('KTable and aggregation semantics equal Java', () => {
  for (const [base, s] of Object.entries(scenarios)) {
    for (const name of bothCaches(base)) {
      it(name, () => runFixture(name, s.build, { stores: Object.assign({}, ...(s.stores ?? []).map(kv)) }));
    }
  }
});

describe('small record caches evict where Java does (entry size estimate, one budget per thread)', () => {
  it('cache-small-count', () => runFixture('cache-small-count', (b) => {
    b.stream('input').groupByKey().count({ storeName: 'counts' }).toStream().to('output', { key: str, value: long });
  }, { stores: kv('counts') }));
  it('cache-small-shared-two-stores', () => runFixture('cache-small-shared-two-stores', (b) => {
    const g = b.stream<string, string>('input').groupByKey();
    g.count({ storeName: 'counts' }).toStream().to('output', { key: str, value: long });
    g.reduce((agg, v) => agg + ',' + v, { storeName: 'reduced' }).toStream().to('output2');
  }, { stores: { ...kv('counts'), ...kv('reduced') } }));
});

describe('stateless and Processor API equal Java', () => {
  it('stateless-chain', () => runFixture('stateless-chain', (b) => {
    const f = b.stream<string, string | null>('input')
      .filter((_k, v): v is string => v !== null && !v.startsWith('x'))
      .mapValues((v) => v.toUpperCase())
      .selectKey((_k, v) => v.substring(0, 1))
      .flatMap((k, v) => [{ key: k, value: v }, { key: k, value: v + '!' }]);
    const br = f.split({ name: 'split-' })
      .branch((k) => k === 'A', { name: 'a' })
      .branch((k) => k === 'B', { name: 'b' })
      .defaultBranch({ name: 'other' });
    br['split-a'].to('output-a');
    br['split-b'].merge(br['split-other'].mapValues((v) => v + '?')).to('output-merged');
  }));
  it('stateless-named', () => runFixture('stateless-named', (b) => {
    b.stream<string, string | null>('input', { name: 'my-source' })
      .filter((_k, v) => v !== null, { name: 'my-filter' })
      .mapValues((v) => v! + v!, { name: 'my-map' })
      .peek(() => undefined, { name: 'my-peek' })
      .to('output', { name: 'my-sink' });
  }));
  it('process-state-store', () => runFixture('process-state-store', (b) => {
    b.addStateStore({ name: 'proc-store', type: 'keyValue', key: str, value: long });
    b.stream<string, string>('input').process(() => {
      let store!: KeyValueStore<string, number>;
      let ctx!: ProcessorContext<string, string>;
      const p: Processor<string, string, string, string> = {
        init(c) {
          ctx = c;
          store = c.getStateStore<KeyValueStore<string, number>>('proc-store');
        },
        process(r) {
          if (r.key === null) return;
          const n = (store.get(r.key) ?? 0) + 1;
          store.put(r.key, n);
          return ctx.forward({ ...r, value: r.value + '#' + n });
        },
      };
      return p;
    }, { stores: ['proc-store'] }).to('output');
  }, { stores: kv('proc-store') }));
});

describe('named operators burn a generated index, as Kafka NamedInternal does', () => {
  it('describe-groupby-count-named (toStream and to named)', async () => {
    const { loadFixture } = await import('./harness.ts');
    const { StreamsBuilder } = await import('../../src/index.ts');
    const b = new StreamsBuilder();
    const s = b.stream<string, string>('input', { name: 'src' }).filter(() => true, { name: 'f' }).mapValues((v) => v);
    s.to('out', { name: 'sink' });
    const text = b.build().describe();
    // source burns 0, filter burns 1, mapValues is generated as 2, sink burns 3
    expect(text).toContain('KSTREAM-MAPVALUES-0000000002');
    expect(loadFixture('describe-groupby-count-named').topology).toContain('Sink: sink (topic: output)');
  });
});
