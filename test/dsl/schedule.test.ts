import { describe, expect, it } from 'vitest';
import { StreamsBuilder, TopologyTestDriver, type KeyValueStore, type ProcessorContext } from '../../src/index.ts';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('ProcessorContext.schedule', () => {
  it('stream-time punctuation fires as records advance stream time, aligned to the interval, skipping missed ones', async () => {
    const fired: number[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).process(() => ({
      init(c) { c.schedule(10, 'stream-time', (ts) => void fired.push(ts)); },
      process() {},
    })));
    await pipeStrings(d, 'in', [['k', 'v', 3]]);
    expect(fired).toEqual([3]); // first punctuation as soon as there is data
    await pipeStrings(d, 'in', [['k', 'v', 9]]);
    expect(fired).toEqual([3]);
    await pipeStrings(d, 'in', [['k', 'v', 10]]);
    expect(fired).toEqual([3, 10]);
    await pipeStrings(d, 'in', [['k', 'v', 5]]); // out of order: stream time does not go back
    await pipeStrings(d, 'in', [['k', 'v', 47]]); // 20, 30, 40 missed: one punctuation at 47
    expect(fired).toEqual([3, 10, 47]);
    await pipeStrings(d, 'in', [['k', 'v', 50]]);
    expect(fired).toEqual([3, 10, 47, 50]);
    // wall-clock time does not drive stream-time punctuation
    await d.advanceWallClockTime(1_000_000);
    expect(fired).toEqual([3, 10, 47, 50]);
    await d.close();
  });

  it('wall-clock punctuation fires on advanceWallClockTime, once per elapsed call, and may forward', async () => {
    const fired: number[] = [];
    const b = new StreamsBuilder();
    b.addStateStore({ name: 'counts', type: 'keyValue', key: str, value: long });
    b.stream('in', { key: str, value: str }).process<string, number>(() => {
      let ctx!: ProcessorContext<string, number>;
      let store!: KeyValueStore<string, number>;
      return {
        init(c) {
          ctx = c;
          store = c.getStateStore('counts');
          c.schedule('1s', 'wall-clock', async (ts) => {
            fired.push(ts);
            for await (const kv of store.all()) await ctx.forward({ key: kv.key, value: kv.value, timestamp: ts });
          });
        },
        process(r) { store.put(r.key, (store.get(r.key) ?? 0) + 1); },
      };
    }, { stores: ['counts'] }).to('out', { key: str, value: long });
    const d = new TopologyTestDriver(b.build(), { initialWallClockTime: 1_000 });
    await pipeStrings(d, 'in', [['a', '1'], ['b', '1'], ['a', '1']]);
    expect(fired).toEqual([]);
    await d.advanceWallClockTime(999);
    expect(fired).toEqual([]);
    await d.advanceWallClockTime(1);
    expect(fired).toEqual([2_000]);
    const out = d.createOutputTopic('out', str, long);
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 2, 2_000], ['b', 1, 2_000]]);
    await d.advanceWallClockTime(3_500); // 3 intervals elapsed: one punctuation
    expect(fired).toEqual([2_000, 5_500]);
    await d.advanceWallClockTime(500);
    expect(fired).toEqual([2_000, 5_500, 6_000]);
    await d.close();
  });

  it('currentSystemTimeMs follows the driver wall clock; currentStreamTimeMs the max timestamp', async () => {
    let ctx!: ProcessorContext;
    const b = new StreamsBuilder();
    b.stream('in', { key: str, value: str }).process(() => ({ init(c) { ctx = c; }, process() {} }));
    const d = new TopologyTestDriver(b.build(), { initialWallClockTime: 500 });
    await pipeStrings(d, 'in', [['k', 'v', 30], ['k', 'v', 20]]);
    expect(ctx.currentSystemTimeMs()).toBe(500);
    expect(ctx.currentStreamTimeMs()).toBe(30);
    await d.advanceWallClockTime(100);
    expect(ctx.currentSystemTimeMs()).toBe(600);
    await d.close();
  });

  it('recordMetadata() is null inside a punctuator', async () => {
    const metas: unknown[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).process(() => {
      let ctx!: ProcessorContext;
      return {
        init(c) { ctx = c; c.schedule(1, 'wall-clock', () => void metas.push(ctx.recordMetadata())); },
        process() {},
      };
    }));
    await pipeStrings(d, 'in', [['k', 'v']]);
    await d.advanceWallClockTime(5);
    expect(metas).toEqual([null]);
    await d.close();
  });

  it('a cancelled schedule no longer fires', async () => {
    const fired: number[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).process(() => {
      let cancel!: () => void;
      return {
        init(c) { const s = c.schedule(10, 'stream-time', (ts) => void fired.push(ts)); cancel = () => s.cancel(); },
        process(r) { if (r.value === 'stop') cancel(); },
      };
    }));
    await pipeStrings(d, 'in', [['k', 'v', 0], ['k', 'stop', 5], ['k', 'v', 20]]);
    expect(fired).toEqual([0]);
    await d.close();
  });

  it('rejects a bad interval or type', async () => {
    const d = drive((b) => b.stream('in').process(() => ({ init(c) { c.schedule(0, 'stream-time', () => {}); }, process() {} }), { name: 'p' }));
    await expect(pipeStrings(d, 'in', [['k', 'v']])).rejects.toThrow(/p: schedule interval must be at least 1 ms/);
  });
});
