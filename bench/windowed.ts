/**
 * B3 windowed count (/work/shared/BENCHMARKS.md): 60 s tumbling windows with 10 s grace, and 60 s / 10 s hopping
 * windows; 100k keys, timestamps +1 ms per record, 1% out of order by up to 5 s. One task driven directly (the
 * runtime's Task with its processors and memory stores, cache on, a commit every 10k records), no log: the figure is
 * the windowing path. Reports rec/s, peak RSS, late drops and p99 of window close -> emit (records between the
 * record that closes a window and its final result; in stream-time ms). `npx tsx bench/windowed.ts [records]`.
 */
import { StreamsBuilder, TimeWindows, Suppressed, serdes } from '../src/index.ts';
import { resolveConfig } from '../src/runtime/config.ts';
import { createStore, type StoreHandle } from '../src/runtime/stores/stores.ts';
import { Task } from '../src/runtime/task.ts';
import { appendResult, machine, percentile } from './lib/machine.ts';
import { rng } from './lib/gen.ts';

const peakRssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10_000_000);
const KEYS = 100_000;

async function run(label: string, windows: TimeWindows): Promise<void> {
  const b = new StreamsBuilder();
  b.stream('views', { key: serdes.string(), value: serdes.string() }).groupByKey()
    .windowedBy(windows).count({ store: 'memory' })
    .suppress(Suppressed.untilWindowCloses()).toStream()
    .to('counts', { key: serdes.windowed(serdes.string(), { windowSize: windows.sizeMs }), value: serdes.int64() });
  const topology = b.build();
  const config = resolveConfig('b3', { cacheMaxBytes: 10 * 1024 * 1024 });
  const stores = new Map<string, StoreHandle>();
  for (const spec of topology.stores.values()) {
    stores.set(spec.name, createStore({ ...spec, logging: false }, { defaultStore: 'memory', defaultKeySerde: config.defaultKeySerde, defaultValueSerde: config.defaultValueSerde, cacheMaxBytes: config.cacheMaxBytes }));
  }
  let emitted = 0;
  let streamTime = 0;
  const closeLag: number[] = [];
  const output = {
    send: (_t: string, _p: number | undefined, key: Uint8Array | null) => {
      emitted++;
      // window end = start (last 8 key bytes) + size; it closed at end + grace
      const dv = new DataView(key!.buffer, key!.byteOffset, key!.byteLength);
      const start = Number(dv.getBigInt64(key!.byteLength - 8));
      closeLag.push(streamTime - (start + windows.sizeMs + windows.graceMs));
    },
  };
  const task = new Task({ topology, nodes: new Set(topology.order), taskId: '0_0', partition: 0, config, stores, output, wallClock: () => 0 });
  await task.init();
  const random = rng(42);
  const enc = new TextEncoder();
  const keys = Array.from({ length: KEYS }, (_, i) => enc.encode(`user-${i}`));
  const value = enc.encode('1');
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    let ts = i;
    if (random() < 0.01) ts = Math.max(0, i - Math.floor(random() * 5000));
    if (ts > streamTime) streamTime = ts;
    const r = task.processRaw('views', 0, i, keys[Math.floor(random() * KEYS)], value, ts, undefined);
    if (r instanceof Promise) await r;
    if (i % 10_000 === 9_999) await task.flush();
  }
  await task.flush();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    const m = process.memoryUsage();
    process.stdout.write(`  live after gc (--expose-gc): heap ${Math.round(m.heapUsed / 2 ** 20)} MB, external+arrayBuffers ${Math.round((m.external + m.arrayBuffers) / 2 ** 20)} MB, rss ${Math.round(m.rss / 2 ** 20)} MB\n`);
  }
  const secs = (performance.now() - t0) / 1000;
  const late = task.metrics.dropped.late ?? 0;
  await task.close();
  closeLag.sort((a, b) => a - b);
  const p99 = percentile(closeLag, 99);
  const rate = Math.round(N / secs);
  const rss = peakRssMB();
  process.stdout.write(`${label}: ${N} records in ${secs.toFixed(1)} s = ${rate} rec/s, peak RSS ${rss} MB, late drops ${late}, final results ${emitted}, p99 close->emit ${p99} ms stream time\n`);
  if (!process.argv.includes('--no-record')) appendResult('B3 windowed count', ['date', 'machine', 'windows', 'records', 'rec/s', 'peak RSS MB', 'late drops', 'final results', 'p99 close→emit (stream ms)'],
    [new Date().toISOString().slice(0, 10), machine(), label, N, rate, rss, late, emitted, p99]);
}

// `tumbling` or `hopping` on the command line runs only that variant (profiling).
const only = process.argv.find((a) => a === 'tumbling' || a === 'hopping');
if (only !== 'hopping') await run('tumbling 60s + 10s grace', TimeWindows.of({ size: '60s', grace: '10s' }));
if (only !== 'tumbling') await run('hopping 60s/10s + 10s grace', TimeWindows.of({ size: '60s', advanceBy: '10s', grace: '10s' }));
