/**
 * Live temperatures: rxjs in and out of a streams app.
 *   npx tsx examples/live-temperatures.ts [--data-dir ./.tributary-live] [--count 300] [--period-ms 10]
 * feeds `sensor-readings` from an rxjs Observable of simulated sensor readings (producer.sendFrom), runs the app
 * below in the same process (per sensor: readings, mean and maximum, in the LevelDB store `sensor-stats`), and
 * serves a live view of its output: running.observe('sensor-stats') folded with scan into a table that is
 * reprinted as it changes, until every reading is counted. The app itself also runs alone:
 *   npx streams-run examples/live-temperatures.ts
 *   echo '{"key":"greenhouse","value":{"sensor":"greenhouse","celsius":31.5}}' | npx streams-run produce sensor-readings
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interval, map, range, scan, takeWhile, type Observable, type SchedulerLike } from 'rxjs';
import { defineApp, LogStore, serdes, type ProducerRecord, type StreamRecord } from 'tributary-streams';

export interface Reading {
  sensor: string;
  celsius: number;
}

export interface SensorStats {
  readings: number;
  sum: number;
  max: number;
}

export const SENSORS = ['greenhouse', 'cellar', 'attic', 'garden'] as const;

/** Seeded into `sensor-readings` on a fresh data dir when run with streams-run. */
export const sampleInput = {
  'sensor-readings': [
    { key: 'greenhouse', value: { sensor: 'greenhouse', celsius: 24.5 } },
    { key: 'cellar', value: { sensor: 'cellar', celsius: 11 } },
    { key: 'greenhouse', value: { sensor: 'greenhouse', celsius: 26 } },
  ],
};

const stats = serdes.json<SensorStats>();

const app = defineApp({
  applicationId: 'live-temperatures',
  config: { commitIntervalMs: 200 },
  build(b) {
    b.stream('sensor-readings', { key: serdes.string(), value: serdes.json<Reading>() })
      .groupByKey()
      .aggregate<SensorStats>(
        () => ({ readings: 0, sum: 0, max: 0 }),
        (_sensor, r, s) => ({ readings: s.readings + 1, sum: s.sum + r.celsius, max: s.readings === 0 ? r.celsius : Math.max(s.max, r.celsius) }),
        { storeName: 'sensor-stats', value: stats },
      )
      .toStream()
      .to('sensor-stats', { key: serdes.string(), value: stats });
  },
});
export default app;

/** The i-th simulated reading: each sensor has its own base temperature and a slow, deterministic swing. */
export function reading(i: number): Reading {
  const sensor = SENSORS[i % SENSORS.length];
  const base = { greenhouse: 25, cellar: 11, attic: 19, garden: 14 }[sensor];
  return { sensor, celsius: Math.round((base + 3 * Math.sin(i / 7)) * 10) / 10 };
}

/** `count` readings as producer records, one every `periodMs` (all at once when 0), a second apart in event time. */
export function readings(count: number, periodMs = 0, startTime = Date.now(), scheduler?: SchedulerLike): Observable<ProducerRecord> {
  const ticks = periodMs > 0 ? interval(periodMs, scheduler) : range(0, count);
  return ticks.pipe(
    takeWhile((i) => i < count),
    map((i) => ({ topic: 'sensor-readings', key: reading(i).sensor, value: JSON.stringify(reading(i)), timestamp: startTime + i * 1000 })),
  );
}

/** The live view: the latest stats per sensor, as a new Map for each change. */
export function liveView(updates: Observable<StreamRecord<string, SensorStats>>): Observable<Map<string, SensorStats>> {
  return updates.pipe(scan((view, r) => new Map(view).set(r.key, r.value), new Map<string, SensorStats>()));
}

export function formatView(view: Map<string, SensorStats>): string {
  const rows = [...view].sort(([a], [b]) => a.localeCompare(b))
    .map(([sensor, s]) => `  ${sensor.padEnd(12)} ${String(s.readings).padStart(5)} readings   mean ${(s.sum / s.readings).toFixed(1).padStart(5)} °C   max ${s.max.toFixed(1).padStart(5)} °C`);
  return rows.join('\n');
}

/**
 * Starts the app on `dataDir`, feeds it `count` readings from an Observable and follows its output until every
 * reading is counted; resolves with the final view.
 */
export async function runLive(o: { dataDir: string; count: number; periodMs?: number; print?: (view: Map<string, SensorStats>) => void }): Promise<Map<string, SensorStats>> {
  const running = await app.start({ dataDir: o.dataDir, createTopics: true });
  const log = await LogStore.connect(o.dataDir); // the app owns the data dir: talk to its log as a client
  const counted = (v: Map<string, SensorStats>) => [...v.values()].reduce((n, s) => n + s.readings, 0);
  let latest = new Map<string, SensorStats>();
  let target = Infinity; // every reading in the topic (earlier runs on the same data dir included), known once sent
  let reached!: () => void;
  let failed!: (e: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((reached = resolve), (failed = reject)));
  const view = liveView(running.observe('sensor-stats', { key: serdes.string(), value: stats, from: 'beginning' })).subscribe({
    next(v) {
      latest = v;
      o.print?.(v);
      if (counted(v) >= target) reached();
    },
    error: (e: unknown) => failed(e),
  });
  try {
    const sent = await log.producer().sendFrom(readings(o.count, o.periodMs ?? 0));
    if (sent !== o.count) throw new Error(`sent ${sent} readings, expected ${o.count}`);
    const d = await log.admin.describeTopic('sensor-readings');
    target = d.partitions.reduce((n, p) => n + p.endOffset - p.startOffset, 0);
    if (counted(latest) >= target) reached();
    await done;
    return latest;
  } finally {
    view.unsubscribe();
    await log.close();
    await running.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
  };
  let lines = 0;
  const final = await runLive({
    dataDir: arg('data-dir', './.tributary-live'), count: Number(arg('count', '300')), periodMs: Number(arg('period-ms', '10')),
    print(view) {
      if (lines && process.stdout.isTTY) process.stdout.write(`\x1b[${lines}A\x1b[J`); // redraw the table in place
      const text = formatView(view);
      process.stdout.write(text + '\n');
      lines = text.split('\n').length;
    },
  });
  process.stdout.write(`done: ${[...final.values()].reduce((n, s) => n + s.readings, 0)} readings counted\n`);
}
