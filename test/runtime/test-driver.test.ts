/** TopologyTestDriver API (API.md section 4), used as a user would, through the package root. */
import { describe, expect, it } from 'vitest';
import { StreamsBuilder, TopologyTestDriver, defineApp, serdes, type Serde, type Topology } from '../../src/index.ts';

const str = serdes.string();
const long = serdes.int64();

function topology(build: (b: StreamsBuilder) => void): Topology {
  const b = new StreamsBuilder();
  build(b);
  return b.build();
}

const passThrough = (consumed?: { key?: Serde<never>; value?: Serde<never> }) =>
  topology((b) => b.stream('in', consumed as never).to('out'));

describe('TopologyTestDriver: input and output topics', () => {
  it('serdes default to the topology\'s consumed/produced ones', async () => {
    const d = new TopologyTestDriver(topology((b) => b.stream('in', { key: serdes.int32(), value: str }).to('out', { key: serdes.int32(), value: str })));
    const input = d.createInputTopic<number, string>('in');
    await input.pipeInput(7, 'seven');
    const raw = d.createOutputTopic('out', serdes.bytes(), serdes.bytes()).readRecord();
    expect([...raw.key]).toEqual([0, 0, 0, 7]);
    expect(new TextDecoder().decode(raw.value)).toBe('seven');
    await input.pipeInput(8, 'eight');
    expect(d.createOutputTopic('out').readKeyValue()).toEqual({ key: 8, value: 'eight' });
    await d.close();
  });

  it('without serdes anywhere, json (the config default) is used on both sides', async () => {
    const d = new TopologyTestDriver(passThrough());
    await d.createInputTopic('in').pipeInput({ id: 1 }, { v: [1, 2] });
    const raw = d.createOutputTopic('out', str, str).readKeyValue();
    expect(raw).toEqual({ key: '{"id":1}', value: '{"v":[1,2]}' });
    await d.close();
  });

  it('config defaultKeySerde/defaultValueSerde replace json', async () => {
    const d = new TopologyTestDriver(passThrough(), { config: { defaultKeySerde: str as Serde<unknown>, defaultValueSerde: serdes.int32() as Serde<unknown> } });
    await d.createInputTopic('in').pipeInput('k', 9);
    const raw = d.createOutputTopic('out', serdes.bytes(), serdes.bytes()).readRecord();
    expect(new TextDecoder().decode(raw.key)).toBe('k');
    expect([...raw.value]).toEqual([0, 0, 0, 9]);
    await d.close();
  });

  it('explicit serdes win over the topology\'s', async () => {
    const d = new TopologyTestDriver(passThrough({ key: str as Serde<never>, value: str as Serde<never> }));
    await d.createInputTopic('in', str, str).pipeInput('k', 'v');
    expect(d.createOutputTopic('out', serdes.bytes(), str).readRecord().value).toBe('v');
    await d.close();
  });

  it('an omitted timestamp is startTimestamp, advanced by autoAdvance after each record', async () => {
    const d = new TopologyTestDriver(passThrough({ key: str as Serde<never>, value: str as Serde<never> }));
    const input = d.createInputTopic('in', str, str, { startTimestamp: 1000, autoAdvance: 10 });
    await input.pipeInput('a', '1');
    await input.pipeInput('b', '2');
    await input.pipeInput('c', '3', 5); // explicit: does not move the topic's time
    await input.pipeInput('d', '4');
    expect(d.createOutputTopic('out', str, str).readRecordsToList().map((r) => r.timestamp)).toEqual([1000, 1010, 5, 1020]);
    const plain = d.createInputTopic('in', str, str);
    await plain.pipeInput('e', '5');
    await plain.pipeInput('f', '6');
    expect(d.createOutputTopic('out', str, str).readRecordsToList().map((r) => r.timestamp)).toEqual([0, 0]);
    await d.close();
  });

  it('pipeRecordList, pipeKeyValueList and pipeValueList', async () => {
    const d = new TopologyTestDriver(passThrough({ key: str as Serde<never>, value: str as Serde<never> }));
    const input = d.createInputTopic<string | null, string>('in', serdes.string() as Serde<string | null>, str, { startTimestamp: 100, autoAdvance: 1 });
    await input.pipeRecordList([{ key: 'r1', value: 'a', timestamp: 5, headers: { trace: 'x' } }, { key: 'r2', value: 'b' }]);
    await input.pipeKeyValueList([{ key: 'k1', value: 'c' }, { key: 'k2', value: 'd' }]);
    await input.pipeValueList(['e', 'f']);
    const out = d.createOutputTopic<string | null, string>('out', serdes.string() as Serde<string | null>, str);
    expect(out.getQueueSize()).toBe(6);
    const recs = out.readRecordsToList();
    expect(recs.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['r1', 'a', 5], ['r2', 'b', 100], ['k1', 'c', 101], ['k2', 'd', 102], [null, 'e', 103], [null, 'f', 104],
    ]);
    expect(recs[0].headers).toEqual({ trace: 'x' });
    await d.close();
  });

  it('reads: readKeyValue, readRecord, readValuesToList, readKeyValuesToList, isEmpty, getQueueSize are synchronous', async () => {
    const d = new TopologyTestDriver(passThrough({ key: str as Serde<never>, value: str as Serde<never> }));
    const input = d.createInputTopic('in', str, str);
    for (const [k, v] of [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']]) await input.pipeInput(k, v, 9);
    const out = d.createOutputTopic('out', str, str);
    expect(out.getQueueSize()).toBe(4);
    expect(out.isEmpty()).toBe(false);
    const kv = out.readKeyValue();
    expect(kv).not.toBeInstanceOf(Promise);
    expect(kv).toEqual({ key: 'a', value: '1' });
    expect(out.readRecord()).toEqual({ key: 'b', value: '2', timestamp: 9 }); // like Java's TestRecord: no topic field
    expect(out.readValuesToList()).toEqual(['3', '4']);
    expect(out.isEmpty()).toBe(true);
    expect(out.readKeyValuesToList()).toEqual([]);
    expect(() => out.readKeyValue()).toThrow(/Empty topic: out/);
    // awaiting a read works too
    await input.pipeInput('e', '5');
    expect(await out.readKeyValue()).toEqual({ key: 'e', value: '5' });
    await d.close();
  });

  it('two output topics on one topic name each see every record (they share the queue: a read consumes)', async () => {
    const d = new TopologyTestDriver(passThrough());
    await d.createInputTopic('in').pipeInput('k', 'v');
    const a = d.createOutputTopic('out');
    const b = d.createOutputTopic('out');
    expect(a.getQueueSize()).toBe(1);
    a.readKeyValue();
    expect(b.isEmpty()).toBe(true);
    await d.close();
  });

  it('readKeyValuesToMap keeps the latest value per key; keys are equal when their serialized bytes are', async () => {
    const d = new TopologyTestDriver(passThrough());
    const input = d.createInputTopic('in');
    await input.pipeInput({ user: 'a', n: 1 }, 'first');
    await input.pipeInput({ user: 'b', n: 1 }, 'other');
    await input.pipeInput({ user: 'a', n: 1 }, 'second'); // a different object with the same bytes
    const map = d.createOutputTopic<{ user: string; n: number }, string>('out').readKeyValuesToMap();
    expect(map.size).toBe(2);
    expect([...map.values()]).toEqual(['second', 'other']);
    expect([...map.keys()]).toEqual([{ user: 'a', n: 1 }, { user: 'b', n: 1 }]);
    await d.close();
  });

  it('readKeyValuesToMap works with windowed keys', async () => {
    const d = new TopologyTestDriver(topology((b) => b.stream('in', { key: str, value: str })
      .map((k, v) => ({ key: { key: k, window: { start: Number(v), end: Number(v) + 10 } }, value: v }))
      .to('out', { key: serdes.windowed(str, { windowSize: 10 }), value: str })));
    const input = d.createInputTopic('in', str, str);
    await input.pipeInput('a', '0');
    await input.pipeInput('a', '10');
    await input.pipeInput('a', '0');
    const map = d.createOutputTopic('out', serdes.windowed(str, { windowSize: 10 }), str).readKeyValuesToMap();
    expect(map.size).toBe(2);
    expect([...map.entries()]).toEqual([[{ key: 'a', window: { start: 0, end: 10 } }, '0'], [{ key: 'a', window: { start: 10, end: 20 } }, '10']]);
    await d.close();
  });

  it('pipe*, advanceWallClockTime and close return promises', async () => {
    const d = new TopologyTestDriver(passThrough());
    const input = d.createInputTopic('in');
    const p1 = input.pipeInput('k', 'v');
    expect(p1).toBeInstanceOf(Promise);
    await p1;
    const p2 = input.pipeKeyValueList([{ key: 'k', value: 'v' }]);
    expect(p2).toBeInstanceOf(Promise);
    await p2;
    const p3 = d.advanceWallClockTime(10);
    expect(p3).toBeInstanceOf(Promise);
    await p3;
    const p4 = d.close();
    expect(p4).toBeInstanceOf(Promise);
    await p4;
    await d.close(); // closing twice is harmless
  });

  it('piping into an unknown topic fails, naming the input topics', async () => {
    const d = new TopologyTestDriver(passThrough());
    await expect(d.createInputTopic('nope').pipeInput('k', 'v')).rejects.toThrow(/Unknown topic: 'nope' is not an input topic of this topology \(inputs: in\)/);
    await d.close();
  });

  it('a closed driver refuses input', async () => {
    const d = new TopologyTestDriver(passThrough());
    await d.close();
    await expect(d.createInputTopic('in').pipeInput('k', 'v')).rejects.toThrow(/closed/);
  });

  it('pattern sources accept any matching topic', async () => {
    const d = new TopologyTestDriver(topology((b) => b.stream(/^logs-.*/, { key: str, value: str }).to('out')));
    await d.createInputTopic('logs-a', str, str).pipeInput('k', 'a');
    await d.createInputTopic('logs-b', str, str).pipeInput('k', 'b');
    expect(d.createOutputTopic('out', str, str).readValuesToList()).toEqual(['a', 'b']);
    await expect(d.createInputTopic('metrics', str, str).pipeInput('k', 'x')).rejects.toThrow(/Unknown topic/);
    await d.close();
  });

  it('negative wall-clock advances are refused', async () => {
    const d = new TopologyTestDriver(passThrough());
    await expect(d.advanceWallClockTime(-1)).rejects.toThrow(/non-negative/);
    await d.close();
  });
});

describe('TopologyTestDriver: stores, changelogs, repartition topics', () => {
  const counting = () => topology((b) => b.stream('in', { key: str, value: str })
    .groupBy((_k, v) => v, { key: str, value: str })
    .count({ storeName: 'counts' })
    .toStream().to('out', { key: str, value: long }));

  it('getKeyValueStore reads the state; getAllStateStores lists every store', async () => {
    const d = new TopologyTestDriver(counting());
    const input = d.createInputTopic('in', str, str);
    await input.pipeKeyValueList([{ key: '1', value: 'x' }, { key: '2', value: 'y' }, { key: '3', value: 'x' }]);
    const store = d.getKeyValueStore<string, number>('counts');
    expect(store.get('x')).toBe(2);
    expect(store.approximateNumEntries()).toBe(2);
    const entries: unknown[] = [];
    for await (const e of store.range('a', 'x')) entries.push(e);
    expect(entries).toEqual([{ key: 'x', value: 2 }]);
    expect(Object.keys(d.getAllStateStores())).toEqual(['counts']);
    await d.close();
  });

  it('an unknown store name fails clearly', async () => {
    const d = new TopologyTestDriver(counting());
    expect(() => d.getKeyValueStore('nope')).toThrow(/getKeyValueStore\('nope'\): no such store; stores are \[counts\]/);
    expect(() => d.getWindowStore('counts')).toThrow(/getWindowStore\('counts'\): it is a timestampedKeyValue store/);
    await d.close();
  });

  it('changelog topics (<appId>-<store>-changelog) and repartition topics are readable as output topics', async () => {
    const d = new TopologyTestDriver(counting(), { config: { applicationId: 'my-app' } });
    await d.createInputTopic('in', str, str).pipeKeyValueList([{ key: '1', value: 'x' }, { key: '2', value: 'x' }]);
    expect(d.createOutputTopic('my-app-counts-repartition', str, str).readKeyValuesToList()).toEqual([
      { key: 'x', value: 'x' }, { key: 'x', value: 'x' },
    ]);
    const changelog = d.createOutputTopic('my-app-counts-changelog'); // serdes from the store
    expect(changelog.readKeyValuesToList()).toEqual([{ key: 'x', value: 1 }, { key: 'x', value: 2 }]);
    expect(d.createOutputTopic('out', str, long).readValuesToList()).toEqual([1, 2]);
    await d.close();
  });

  it('is deterministic: the same input gives the same output, changelogs included', async () => {
    const run = async () => {
      const d = new TopologyTestDriver(counting(), { initialWallClockTime: 0 });
      const input = d.createInputTopic('in', str, str, { autoAdvance: 7 });
      for (let i = 0; i < 50; i++) await input.pipeInput(String(i), `w${(i * 7) % 5}`);
      const out = d.createOutputTopic('out', str, long).readRecordsToList();
      const cl = d.createOutputTopic('test-driver-counts-changelog', str, long).readRecordsToList();
      await d.close();
      return { out, cl };
    };
    const a = await run();
    const b = await run();
    expect(a.out).toHaveLength(50);
    expect(b).toEqual(a);
  });
});

describe('TopologyTestDriver with a defineApp app', () => {
  const app = defineApp({
    applicationId: 'inventory',
    config: { defaultKeySerde: serdes.string() as Serde<unknown>, defaultValueSerde: serdes.string() as Serde<unknown> },
    build(b) {
      b.stream<string, string>('items').groupByKey().count({ storeName: 'per-item' }).toStream().to('item-counts', { value: serdes.int64() });
    },
  });

  it('uses the app\'s applicationId and config', async () => {
    const d = new TopologyTestDriver(app);
    expect(d.config.applicationId).toBe('inventory');
    const input = d.createInputTopic('items'); // string serdes from the app config
    await input.pipeInput('apple', 'x');
    await input.pipeInput('apple', 'y');
    expect(d.createOutputTopic('item-counts').readKeyValuesToList()).toEqual([{ key: 'apple', value: 1 }, { key: 'apple', value: 2 }]);
    expect(d.createOutputTopic('inventory-per-item-changelog').readValuesToList()).toEqual([1, 2]);
    await d.close();
  });

  it('driver options.config overrides the app config', async () => {
    const d = new TopologyTestDriver(app, { config: { defaultKeySerde: serdes.json() } });
    await d.createInputTopic('items', undefined, str).pipeInput({ id: 1 }, 'x');
    expect(d.createOutputTopic('item-counts', str, long).readKeyValue()).toEqual({ key: '{"id":1}', value: 1 });
    await d.close();
  });
});

describe('serdes through the driver', () => {
  it('json is the default and round-trips nested values', async () => {
    const d = new TopologyTestDriver(passThrough());
    const value = { a: [1, 'two', { three: true }], b: null, c: 1.5 };
    await d.createInputTopic('in').pipeInput('k', value);
    expect(d.createOutputTopic('out').readValue()).toEqual(value);
    await d.close();
  });

  it.each([
    ['json', serdes.json()], ['string', serdes.string()], ['int32', serdes.int32()], ['int64', serdes.int64()],
    ['float64', serdes.float64()], ['bigint64', serdes.bigint64()], ['bytes', serdes.bytes()],
  ] as Array<[string, Serde<unknown>]>)('%s: a null value (tombstone) goes through as null bytes and comes back as null', async (_name, serde) => {
    const d = new TopologyTestDriver(topology((b) => b.stream('in', { key: str, value: serde }).to('out')));
    await d.createInputTopic('in', str, serde).pipeInput('k', null);
    expect(d.createOutputTopic('out', str, serdes.bytes()).readRecord().value).toBeNull();
    await d.createInputTopic('in', str, serde).pipeInput('k', null);
    expect(d.createOutputTopic('out', str, serde).readValue()).toBeNull();
    await d.close();
  });

  it('a tombstone into a table deletes the row and is forwarded as null', async () => {
    const d = new TopologyTestDriver(topology((b) => b.table('in', { key: str, value: serdes.json<{ n: number }>() }, { storeName: 't' }).toStream().to('out')));
    const input = d.createInputTopic('in');
    await input.pipeInput('k', { n: 1 });
    await input.pipeInput('k', null);
    expect(d.createOutputTopic('out').readValuesToList()).toEqual([{ n: 1 }, null]);
    expect(d.getKeyValueStore('t').get('k')).toBeUndefined();
    expect(d.createOutputTopic('test-driver-t-changelog', str, serdes.bytes()).readRecordsToList().map((r) => r.value === null)).toEqual([false, true]);
    await d.close();
  });
});
