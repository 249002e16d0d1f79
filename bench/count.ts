/**
 * B2 count: groupByKey().count() on LevelDB with a changelog, cache on (10 MiB, Kafka's default) and off,
 * keys uniform(1M) and zipf(1M, 0.99), bytes100 values, 4 partitions, at_least_once, default commit interval.
 * Variants `<cache|nocache>-<uniform|zipf|distinct>[@threads]`: `distinct` gives every record its own key
 * (the memory check: B2_RECORDS=10000000 B2_VARIANTS=cache-distinct must stay under 1 GB peak RSS);
 * `@2` runs 2 stream threads (the app module bench/apps/count-app.ts is loaded by each thread).
 * Per variant: rec/s (end of start() -> all processed and close() done, which includes the final flush of
 * cache, changelog and LevelDB), changelog records per input record, store bytes on disk (LevelDB dirs after
 * close), peak RSS. Each run is a fresh child process; a discarded warm-up run (200k records) first.
 * Env: B2_RECORDS (default 1M: 10M per variant x 4 variants x 3 runs does not fit the time budget; the row
 * says how many), B2_RUNS (3), B2_VARIANTS (e.g. "cache-uniform,nocache-zipf"), BENCH_DIR, BENCH_NOTE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogStore, type App } from '../src/index.ts';
import { child, endOffsets, prefill, processed, runApp } from './lib/app-run.ts';
import { bytes100, duBytes, keyIndexes, peakRssMB, rng, type KeyDist } from './lib/gen.ts';
import { appendResult, machine, median } from './lib/machine.ts';

const N = Number(process.env.B2_RECORDS ?? 1_000_000);
const RUNS = Number(process.env.B2_RUNS ?? 3);
const WARM = Math.min(200_000, N);
const PARTITIONS = 4;
const enc = new TextEncoder();

type RunOut = { recPerSec: number; cpuPer1M: number; rss: number; storeBytes: number; closeSeconds: number };

if (process.env.B2_CHILD) {
  const { id, input, n, caching, threads } = JSON.parse(process.env.B2_CHILD) as { id: string; input: string; n: number; caching: boolean; threads: number };
  const dir = process.env.B2_DIR!;
  Object.assign(process.env, { B2_APP_ID: id, B2_APP_INPUT: input, B2_APP_CACHING: String(caching) }); // before the app module loads
  const appModule = new URL('./apps/count-app.ts', import.meta.url).href;
  const { default: app } = (await import(appModule)) as { default: App };
  const r = await runApp(app, dir, { numStreamThreads: threads, appModule }, (running) => processed(running, n));
  const storeBytes = await duBytes(path.join(dir, 'state', id));
  console.log(JSON.stringify({ recPerSec: n / r.seconds, cpuPer1M: (r.cpuSeconds / n) * 1e6, rss: peakRssMB(), storeBytes, closeSeconds: r.closeSeconds } satisfies RunOut));
  process.exit(0);
}

const base = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'b2-'));
const variants = (process.env.B2_VARIANTS ?? 'cache-uniform,cache-zipf,nocache-uniform,nocache-zipf,cache-uniform@2,nocache-uniform@2').split(',');
const allDists: Record<string, KeyDist> = {
  uniform: { kind: 'uniform', k: 1_000_000 }, zipf: { kind: 'zipf', k: 1_000_000, s: 0.99 }, distinct: { kind: 'sequential', k: N },
};
const dists = Object.fromEntries(Object.entries(allDists).filter(([name]) => variants.some((v) => v.split('@')[0].endsWith(`-${name}`))));
let log = await LogStore.open(base);
const t = performance.now();
for (const [name, dist] of [...Object.entries(dists), ['warm', allDists.uniform] as const]) {
  const topic = `b2-${name}`;
  await log.admin.createTopic(topic, { partitions: PARTITIONS });
  const r = rng(name === 'zipf' ? 7 : 5);
  const k = keyIndexes(dist, r);
  await prefill(log, topic, name === 'warm' ? WARM : N, () => ({ key: enc.encode(`user-${k()}`), value: bytes100(r) }));
}
await log.close();
console.log(`B2: prefilled 2 x ${N} + ${WARM} records in ${((performance.now() - t) / 1000).toFixed(1)} s`);

async function once(id: string, input: string, n: number, caching: boolean, threads = 1): Promise<RunOut & { changelogPerInput: number }> {
  const r = await child<RunOut>(import.meta.url, { B2_CHILD: JSON.stringify({ id, input, n, caching, threads }), B2_DIR: base });
  log = await LogStore.open(base);
  const changelog = await endOffsets(log, `${id}-counts-changelog`);
  await log.close();
  fs.rmSync(path.join(base, 'state', id), { recursive: true, force: true });
  return { ...r, changelogPerInput: changelog / n };
}

await once('b2-warm', 'b2-warm', WARM, true);
const rows: string[] = [];
for (const v of variants) {
  const [kind, threads] = v.split('@');
  const [cache, dist] = kind.split('-');
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await once(`b2-${kind}-${threads ?? 1}t-${i}`, `b2-${dist}`, N, cache === 'cache', Number(threads ?? 1));
    runs.push(r);
    console.log(`  ${v} run ${i}: ${Math.round(r.recPerSec)} rec/s, ${r.cpuPer1M.toFixed(2)} CPU-s/1M, changelog/input ${r.changelogPerInput.toFixed(3)}, store ${(r.storeBytes / 1048576).toFixed(1)} MB, RSS ${r.rss.toFixed(0)} MB, close ${r.closeSeconds.toFixed(2)} s`);
  }
  const rps = median(runs.map((r) => r.recPerSec));
  const line = `${v}: ${Math.round(rps)} rec/s, ${median(runs.map((r) => r.cpuPer1M)).toFixed(2)} CPU-s/1M, changelog/input ${median(runs.map((r) => r.changelogPerInput)).toFixed(3)}, store ${(median(runs.map((r) => r.storeBytes)) / 1048576).toFixed(1)} MB, peak RSS ${Math.max(...runs.map((r) => r.rss)).toFixed(0)} MB`;
  console.log(`B2 count ${line}`);
  rows.push(line);
}
fs.rmSync(base, { recursive: true, force: true });
appendResult('B2 count (groupByKey().count(), LevelDB + changelog, 4 partitions, bytes100)',
  ['date', 'machine', 'fsync', 'records per variant', 'results (median of runs; target >= 250k rec/s)', 'note'],
  [new Date().toISOString().slice(0, 10), machine(), 'none', `${N / 1e6}M${N < 10_000_000 ? " (scaled from 10M)" : ""}, ${RUNS} runs`, rows.join('; '), process.env.BENCH_NOTE ?? '']);
