import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { serdes, TopologyTestDriver } from '../../src/index.ts';
import app, { liveView, reading, readings, runLive, SENSORS, type Reading, type SensorStats } from '../../examples/live-temperatures.ts';

/** The stats the app must reach for readings 0..count-1, computed directly. */
function expected(count: number): Map<string, SensorStats> {
  const out = new Map<string, SensorStats>();
  for (let i = 0; i < count; i++) {
    const r = reading(i);
    const s = out.get(r.sensor);
    out.set(r.sensor, s ? { readings: s.readings + 1, sum: s.sum + r.celsius, max: Math.max(s.max, r.celsius) } : { readings: 1, sum: r.celsius, max: r.celsius });
  }
  return out;
}

const rounded = (m: Map<string, SensorStats>) => new Map([...m].map(([k, s]) => [k, { ...s, sum: Math.round(s.sum * 10) / 10 }]));

describe('examples/live-temperatures.ts', () => {
  it('readings() emits one record per period, in order (marbles)', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ expectObservable }) => {
      const values = Object.fromEntries([0, 1, 2].map((i) => [String.fromCharCode(97 + i), {
        topic: 'sensor-readings', key: reading(i).sensor, value: JSON.stringify(reading(i)), timestamp: 1000 + i * 1000,
      }]));
      // interval(5) ticks at 5, 10, 15; the 4th tick (20) ends it
      expectObservable(readings(3, 5, 1000)).toBe('5ms a 4ms b 4ms c 4ms |', values);
    });
  });

  it('in the test driver: records fed from the Observable, the live view from TestOutputTopic.observe()', async () => {
    const driver = new TopologyTestDriver(app);
    const input = driver.createInputTopic('sensor-readings', serdes.string(), serdes.json<Reading>());
    const output = driver.createOutputTopic('sensor-stats', serdes.string(), serdes.json<SensorStats>());
    const views = lastValueFrom(liveView(output.observe()).pipe(toArray()));
    for (const r of await lastValueFrom(readings(40, 0, 0).pipe(toArray()))) {
      await input.pipeInput(r.key as string, JSON.parse(r.value as string) as Reading, r.timestamp);
    }
    await driver.close();
    const all = await views;
    expect(all).toHaveLength(40); // the driver forwards every update (Kafka's driver commits after each record)
    expect(rounded(all.at(-1)!)).toEqual(rounded(expected(40)));
    expect([...all[0].keys()]).toEqual([SENSORS[0]]);
  });

  it('on the runtime: sendFrom feeds the topic, running.observe serves the view until every reading is counted, and a second run adds to the state', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-live-'));
    try {
      const printed: number[] = [];
      const view = await runLive({ dataDir, count: 120, periodMs: 1, print: (v) => printed.push(v.size) });
      expect(rounded(view)).toEqual(rounded(expected(120)));
      expect(printed.length).toBeGreaterThan(0);
      // restart on the same data dir: the store comes back from disk and the next 120 readings add to it
      const again = await runLive({ dataDir, count: 120 });
      const twice = new Map([...expected(120)].map(([k, s]) => [k, { readings: s.readings * 2, sum: s.sum * 2, max: s.max }]));
      expect(rounded(again)).toEqual(rounded(twice));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
