/**
 * A cache entry flushes with the record context it was written with (Kafka's LRUCacheEntry copies timestamp,
 * offset, partition, topic and headers), not with the task's context at flush time: the task keeps one context
 * object, sets its timestamp and headers for each forward and restores them after it (issue 10, part 8).
 */
import { describe, expect, it } from 'vitest';
import { StreamsBuilder, TopologyTestDriver, serdes, type ProcessorContext, type Serde } from '../../src/index.ts';
import { createTimestampedKeyValueStore } from '../../src/state/builders.ts';
import type { RecordContext } from '../../src/state/types.ts';
import { fakeContext, num, str } from './helpers.ts';

describe('cache entries keep the record context of their write', () => {
  it('the flush sees the timestamp, headers, topic, partition and offset of the put, though the live context changed since', async () => {
    const ctx = fakeContext({ cacheMaxBytes: 100_000 });
    const s = createTimestampedKeyValueStore({ name: 'joined', key: str, value: num, store: 'memory' });
    await s.init(ctx);
    const flushed: RecordContext[] = [];
    expect(s.setFlushListener((_k, _nv, _ov, rc) => flushed.push({ ...rc }))).toBe(true);
    const h1 = { trace: 'written' };
    const live: RecordContext = { timestamp: 5000, topic: 't', partition: 2, offset: 7, headers: h1 };
    ctx.current = live;
    s.put('k1', { value: 1, timestamp: 5000 });
    // What the task does after the forward returns: the same object, restored to the source record's values.
    live.timestamp = 3000;
    live.headers = { trace: 'restored' };
    ctx.current = { timestamp: 9000, topic: 'other', partition: 0, offset: 99 };
    await s.flush();
    expect(flushed).toEqual([{ timestamp: 5000, topic: 't', partition: 2, offset: 7, headers: h1 }]);
    expect(ctx.sink.records.map((r) => r.timestamp)).toEqual([5000]);
    await s.close();
  });
});

describe('cached materialized table-table join (issue 10, part 8)', () => {
  const str2 = serdes.string() as Serde<unknown>;
  const build = () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('s').toTable().mapValues((v) => v.toUpperCase())
      .join(b.table<string, string>('t'), (x, y) => `${x}|${y}`, { storeName: 'joined' })
      .toStream().to('out');
    return b.build();
  };

  it('flushes the tombstone with the join\'s timestamp (max of both sides) and the tombstone record\'s headers', async () => {
    const d = new TopologyTestDriver(build(), { config: { applicationId: 'tt-ctx', defaultKeySerde: str2, defaultValueSerde: str2 } });
    try {
      const s = d.createInputTopic('s', serdes.string(), serdes.string());
      const t = d.createInputTopic('t', serdes.string(), serdes.string());
      const out = d.createOutputTopic('out', serdes.string(), serdes.string());
      await s.pipeInput('k1', 's1', 1000, { h: 's1' });
      await t.pipeInput('k1', 't1', 5000, { h: 't1' });
      await s.pipeInput('k1', null as unknown as string, 3000, { h: 'delete' });
      const recs = out.readRecordsToList().map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers }));
      expect(recs).toEqual([
        { key: 'k1', value: 'S1|t1', timestamp: 5000, headers: { h: 't1' } },
        { key: 'k1', value: null, timestamp: 5000, headers: { h: 'delete' } },
      ]);
    } finally {
      await d.close();
    }
  });

  it('a processor\'s own headers on a forward reach the cache flush (not the source record\'s, restored after the forward)', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('s')
      .processValues<string>(() => {
        let ctx!: ProcessorContext<string, string>; // processValues: no repartition before the table
        return {
          init(c) { ctx = c; },
          process(r) { ctx.forward({ ...r, headers: { h: `set-by-processor:${String(r.value)}` } }); },
        };
      })
      .toTable({ storeName: 'tbl' })
      .toStream().to('out');
    const d = new TopologyTestDriver(b.build(), { config: { applicationId: 'tt-hdr', defaultKeySerde: str2, defaultValueSerde: str2 } });
    try {
      const s = d.createInputTopic('s', serdes.string(), serdes.string());
      const out = d.createOutputTopic('out', serdes.string(), serdes.string());
      await s.pipeInput('k1', 'a', 10, { h: 'source' });
      expect(out.readRecordsToList().map((r) => r.headers)).toEqual([{ h: 'set-by-processor:a' }]);
    } finally {
      await d.close();
    }
  });
});
