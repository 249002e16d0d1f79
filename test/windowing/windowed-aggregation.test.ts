/** Boundary rules of windowed aggregations and suppress, through the test driver (API.md section 3). */
import { describe, expect, it } from 'vitest';
import {
  BufferConfig, EmitStrategy, SessionWindows, SlidingWindows, StreamsBuilder, Suppressed, TimeWindows, TopologyTestDriver, serdes,
  type DroppedRecord, type KGroupedStream,
} from '../../src/index.ts';

type Out = { key: { key: string; window: { start: number; end: number } }; value: unknown; timestamp: number };

async function run(build: (g: KGroupedStream<string, string>) => void, records: Array<[string, number]>, cacheMaxBytes = 0) {
  const b = new StreamsBuilder();
  build(b.stream('in', { key: serdes.string(), value: serdes.string() }).groupByKey());
  const dropped: DroppedRecord[] = [];
  const driver = new TopologyTestDriver(b.build(), { config: { applicationId: 'w', cacheMaxBytes, onDroppedRecord: (e) => dropped.push(e) }, initialWallClockTime: 0 });
  const input = driver.createInputTopic('in', serdes.string(), serdes.string());
  const steps: Out[][] = [];
  const output = driver.createOutputTopic('out');
  for (const [key, ts] of records) {
    await input.pipeInput(key, 'v', ts);
    steps.push(output.readRecordsToList().map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }) as Out));
  }
  await driver.close();
  return { steps, dropped };
}

const w = (start: number, end: number) => ({ start, end });
const keysOf = (outs: Out[]) => outs.map((o) => [o.key.key, o.key.window.start, o.key.window.end, o.value]);

describe('time windows', () => {
  const counts = (grace: number) => (g: KGroupedStream<string, string>) =>
    g.windowedBy(TimeWindows.of({ size: 10, grace })).count().toStream().to('out', { key: serdes.windowed(serdes.string(), { windowSize: 10 }), value: serdes.int64() });

  it('a record exactly at the window end belongs to the next window', async () => {
    const { steps } = await run(counts(0), [['a', 0], ['a', 10]]);
    expect(steps[1].map((o) => o.key.window)).toEqual([w(10, 20)]);
  });

  it('accepts a record at end + grace - 1 of stream time and drops it at end + grace', async () => {
    // window [0,10), grace 5: open while stream time < 15
    const open = await run(counts(5), [['a', 0], ['a', 14], ['a', 9]]);
    expect(keysOf(open.steps[2])).toEqual([['a', 0, 10, 2]]);
    expect(open.dropped).toEqual([]);
    const closed = await run(counts(5), [['a', 0], ['a', 15], ['a', 9]]);
    expect(closed.steps[2]).toEqual([]);
    expect(closed.dropped).toMatchObject([{ reason: 'late', timestamp: 9, lateByMs: 0 }]);
  });

  it('hopping windows: a record updates every window that contains it, oldest first', async () => {
    const { steps } = await run((g) => g.windowedBy(TimeWindows.of({ size: 10, advanceBy: 5 })).count().toStream()
      .to('out', { key: serdes.windowed(serdes.string(), { windowSize: 10 }), value: serdes.int64() }), [['a', 7], ['a', 12]]);
    expect(keysOf(steps[0])).toEqual([['a', 0, 10, 1], ['a', 5, 15, 1]]);
    expect(keysOf(steps[1])).toEqual([['a', 5, 15, 2], ['a', 10, 20, 1]]);
  });

  it('onWindowClose emits each window once, when stream time reaches end + grace', async () => {
    // (without a cache, a window that also leaves the store's retention in the same stream-time jump is never emitted, as in Kafka)
    const { steps } = await run((g) => g.windowedBy(TimeWindows.of({ size: 10, grace: 2 })).emitStrategy(EmitStrategy.onWindowClose()).count()
      .toStream().to('out', { key: serdes.windowed(serdes.string(), { windowSize: 10 }), value: serdes.int64() }), [['a', 1], ['a', 5], ['a', 11], ['b', 12], ['a', 22]]);
    expect(steps.slice(0, 3).flat()).toEqual([]);
    expect(keysOf(steps[3])).toEqual([['a', 0, 10, 2]]); // stream time 12 = end + grace
    expect(keysOf(steps[4])).toEqual([['a', 10, 20, 1], ['b', 10, 20, 1]]);
  });
});

describe('sliding windows', () => {
  it("reproduces the SlidingWindows javadoc example's windows", async () => {
    const b = await run((g) => g.windowedBy(SlidingWindows.of({ timeDifference: 5000 })).aggregate(() => '', (_k, v, agg) => agg + v)
      .toStream().to('out', { key: serdes.windowed(serdes.string(), { windowSize: 5000 }), value: serdes.string() }), [['A', 8000], ['A', 9200], ['A', 12400]]);
    const last = new Map<string, unknown>();
    for (const o of b.steps.flat()) last.set(`${o.key.window.start}`, o.value);
    expect([...last.entries()].sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual([['3000', 'v'], ['4200', 'vv'], ['7400', 'vvv'], ['8001', 'vv'], ['9201', 'v']]);
  });

  it('closes a window only when stream time is past end + grace', async () => {
    const agg = (g: KGroupedStream<string, string>) => g.windowedBy(SlidingWindows.of({ timeDifference: 10, grace: 5 })).count().toStream()
      .to('out', { key: serdes.windowed(serdes.string(), { windowSize: 10 }), value: serdes.int64() });
    // Kafka drops a record at t once t + 1 + timeDifference <= stream time - grace (its right window has closed)
    expect((await run(agg, [['a', 26], ['a', 11]])).dropped).toEqual([]);
    expect((await run(agg, [['a', 26], ['a', 10]])).dropped).toMatchObject([{ reason: 'late', timestamp: 10, lateByMs: 0 }]);
  });
});

describe('session windows', () => {
  const sessions = (g: KGroupedStream<string, string>) => g.windowedBy(SessionWindows.of({ inactivityGap: 5, grace: 10 }))
    .aggregate(() => '', (_k, _v, agg) => agg + 'x', (_k, a, b) => `${a}|${b}`).toStream().to('out', { key: serdes.sessionWindowed(serdes.string()), value: serdes.string() });

  it('merges two sessions bridged by a record and removes them with tombstones', async () => {
    const { steps } = await run(sessions, [['a', 0], ['a', 10], ['a', 5]]);
    expect(keysOf(steps[2])).toEqual([['a', 0, 0, null], ['a', 10, 10, null], ['a', 0, 10, '|x|xx']]);
    expect(steps[2].map((o) => o.timestamp)).toEqual([0, 10, 10]);
  });

  it('merges a chain of three sessions, two at a time', async () => {
    const long = (g: KGroupedStream<string, string>) => g.windowedBy(SessionWindows.of({ inactivityGap: 5, grace: 30 }))
      .aggregate(() => '', (_k, _v, agg) => agg + 'x', (_k, a, b) => `${a}|${b}`).toStream().to('out', { key: serdes.sessionWindowed(serdes.string()), value: serdes.string() });
    const { steps } = await run(long, [['a', 0], ['a', 10], ['a', 20], ['a', 5], ['a', 15]]);
    expect(keysOf(steps[4])).toEqual([['a', 0, 10, null], ['a', 20, 20, null], ['a', 0, 20, '||x|xx|xx']]);
  });

  it('drops a record whose session ended before stream time - grace - gap', async () => {
    const { dropped } = await run(sessions, [['a', 30], ['a', 14], ['a', 15]]);
    expect(dropped).toMatchObject([{ reason: 'late', timestamp: 14, lateByMs: 1 }]);
  });
});

describe('suppress', () => {
  it('untilWindowCloses emits one final result per window', async () => {
    const { steps } = await run((g) => g.windowedBy(TimeWindows.of({ size: 10, grace: 1 })).count()
      .suppress(Suppressed.untilWindowCloses()).toStream()
      .to('out', { key: serdes.windowed(serdes.string(), { windowSize: 10 }), value: serdes.int64() }), [['a', 1], ['a', 2], ['a', 10], ['a', 11]]);
    expect(steps.slice(0, 3).flat()).toEqual([]);
    expect(keysOf(steps[3])).toEqual([['a', 0, 10, 2]]);
  });

  it('a full shutDownWhenFull buffer fails with an error naming the operator', async () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: serdes.string(), value: serdes.string() }).groupByKey().windowedBy(TimeWindows.of({ size: 10 })).count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.maxRecords(1).shutDownWhenFull()).withName('final')).toStream().to('out');
    const driver = new TopologyTestDriver(b.build(), { config: { applicationId: 'w', cacheMaxBytes: 0 } });
    const input = driver.createInputTopic('in', serdes.string(), serdes.string());
    await input.pipeInput('a', 'v', 1);
    await expect(input.pipeInput('b', 'v', 2)).rejects.toThrow(/final: suppress buffer exceeded its max capacity/);
  });

  it('untilWindowCloses on a table that is not windowed is refused at build time', () => {
    const b = new StreamsBuilder();
    const t = b.stream<string, string>('in').groupByKey().count();
    expect(() => t.suppress(Suppressed.untilWindowCloses())).toThrow(/needs a windowed KTable/);
  });
});
