/** examples/pageviews-per-minute.ts through the test driver: one final count per user and minute, late views dropped. */
import { describe, expect, it } from 'vitest';
import { TopologyTestDriver, serdes, type DroppedRecord } from '../../src/index.ts';
import { pageviewsApp, sampleInput, type View } from '../../examples/pageviews-per-minute.ts';

const minute = 60_000;
const win = (start: number) => ({ start, end: start + minute });

async function setup() {
  const dropped: DroppedRecord[] = [];
  const driver = new TopologyTestDriver(pageviewsApp((e) => dropped.push(e)), { initialWallClockTime: 0 });
  const input = driver.createInputTopic('pageviews', serdes.string(), serdes.json<View>());
  const output = driver.createOutputTopic('pageview-counts', serdes.windowed(serdes.string(), { windowSize: minute }), serdes.int64());
  return { driver, input, output, dropped };
}

describe('examples/pageviews-per-minute', () => {
  it('emits nothing before window end + grace, then exactly one final count per user and window', async () => {
    const { driver, input, output } = await setup();
    await input.pipeInput('alice', { page: '/home' }, 0);
    await input.pipeInput('alice', { page: '/cart' }, 30_000);
    await input.pipeInput('bob', { page: '/home' }, 59_999);
    await input.pipeInput('alice', { page: '/pay' }, minute + 9_999); // end + grace - 1: window [0, 1m) still open
    expect(output.isEmpty()).toBe(true);
    await input.pipeInput('bob', { page: '/home' }, minute + 10_000); // end + grace: closes [0, 1m)
    expect(output.readRecordsToList()).toEqual([
      { key: { key: 'alice', window: win(0) }, value: 2, timestamp: 30_000 },
      { key: { key: 'bob', window: win(0) }, value: 1, timestamp: 59_999 },
    ]);
    await input.pipeInput('bob', { page: '/x' }, 3 * minute);
    expect(output.readKeyValuesToList()).toEqual([
      { key: { key: 'alice', window: win(minute) }, value: 1 },
      { key: { key: 'bob', window: win(minute) }, value: 1 },
    ]);
    await driver.close();
  });

  it('filters health checks and counts a view still inside the grace period', async () => {
    const { driver, input, output, dropped } = await setup();
    await input.pipeInput('alice', { page: '/health' }, 1_000);
    await input.pipeInput('alice', { page: '/home' }, 2_000);
    await input.pipeInput('alice', { page: '/home' }, minute + 5_000);
    await input.pipeInput('alice', { page: '/late-but-in-grace' }, 59_000);
    await input.pipeInput('carol', { page: '/' }, 2 * minute + 10_000);
    expect(output.readKeyValuesToList()).toEqual([
      { key: { key: 'alice', window: win(0) }, value: 2 },
      { key: { key: 'alice', window: win(minute) }, value: 1 },
    ]);
    expect(dropped).toEqual([]);
    await driver.close();
  });

  it('drops a view whose window has closed and reports it to onDroppedRecord', async () => {
    const { driver, input, output, dropped } = await setup();
    await input.pipeInput('bob', { page: '/home' }, 5_000);
    await input.pipeInput('bob', { page: '/about' }, minute + 10_000); // closes [0, 1m)
    expect(output.readKeyValuesToList()).toEqual([{ key: { key: 'bob', window: win(0) }, value: 1 }]);
    await input.pipeInput('bob', { page: '/late' }, 50_000);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ reason: 'late', topic: 'pageviews', timestamp: 50_000, lateByMs: 0 });
    expect(dropped[0].operator).toMatch(/AGGREGATE/);
    await input.pipeInput('bob', { page: '/x' }, 5 * minute);
    // the late view did not change the already emitted result, and [1m, 2m) holds only the one view
    expect(output.readKeyValuesToList()).toEqual([{ key: { key: 'bob', window: win(minute) }, value: 1 }]);
    await driver.close();
  });

  it('the sample input gives one final count per user and minute', async () => {
    const { driver, input, output, dropped } = await setup();
    for (const r of sampleInput.pageviews) await input.pipeInput(r.key, r.value, r.timestamp);
    expect(output.readKeyValuesToList()).toEqual([
      { key: { key: 'alice', window: win(0) }, value: 2 },
      { key: { key: 'bob', window: win(0) }, value: 1 },
      { key: { key: 'alice', window: win(minute) }, value: 1 },
      { key: { key: 'bob', window: win(minute) }, value: 1 },
    ]);
    expect(dropped.map((d) => d.timestamp)).toEqual([50_000]);
    await driver.close();
  });
});
