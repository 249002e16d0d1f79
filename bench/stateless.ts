/**
 * B1 stateless: log -> filter (~50% pass) -> mapValues -> log, via app.start({ dataDir }) on a temp dir
 (the app opens the log itself), 4 partitions, json120 values,
 * keys uniform over 1M. Beside it, the bare loop over the same records (UTF-8 decode + JSON.parse of every
 * value, JSON.stringify + encode of the passing ones, no framework) and the ratio.
 * Throughput = input records / (end of start() -> all processed and close() done: outputs appended, committed). CPU-s per 1M = process user+system
 * CPU over that span. Each run is a fresh child process (warm-up = one discarded run on 200k records first);
 * peak RSS = the largest process.resourceUsage().maxRSS of the measured runs.
 * Env: B1_RECORDS (default 2M: the 10M of BENCHMARKS.md would take ~3 min per run at the rates measured
 * here, so the row says how many), B1_RUNS (3), BENCH_DIR (temp dir parent), BENCH_NOTE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogStore } from '../src/index.ts';
import { pass, project, type Event } from './apps/events.ts';
import { child, endOffsets, processed, runApp } from './lib/app-run.ts';
import { TS_BASE, json120, keyIndexes, peakRssMB, rng } from './lib/gen.ts';
import { appendResult, machine, median } from './lib/machine.ts';

const N = Number(process.env.B1_RECORDS ?? 2_000_000);
const RUNS = Number(process.env.B1_RUNS ?? 3);
const WARM = Math.min(200_000, N);
const PARTITIONS = 4;
const base = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'b1-'));
const enc = new TextEncoder();
const dec = new TextDecoder();


/** Record i of the seeded stream (seeded per chunk of 10k so any chunk can be regenerated alone). */
function chunk(from: number, to: number): Array<{ key: Uint8Array; value: Uint8Array }> {
  const r = rng(1000 + from / 10_000);
  const k = keyIndexes({ kind: 'uniform', k: 1_000_000 }, r);
  const out = [];
  for (let i = from; i < to; i++) {
    const u = k();
    out.push({ key: enc.encode(`user-${u}`), value: enc.encode(JSON.stringify(json120(r, u, TS_BASE + i))) });
  }
  return out;
}

async function fill(log: LogStore, topic: string, n: number): Promise<{ passing: number; bytes: number }> {
  await log.admin.createTopic(topic, { partitions: PARTITIONS });
  let passing = 0;
  let bytes = 0;
  const p = log.producer();
  for (let i = 0; i < n; i += 10_000) {
    const recs = chunk(i, Math.min(n, i + 10_000));
    for (const r of recs) {
      bytes += r.value.length;
      if (pass(JSON.parse(dec.decode(r.value)) as Event)) passing++;
    }
    await p.sendBatch(recs.map((r, j) => ({ topic, key: r.key, value: r.value, timestamp: TS_BASE + i + j })));
  }
  await p.flush();
  return { passing, bytes };
}

/** The bare loop: same records, same work, no framework. Returns seconds spent in the loop only. */
function bare(n: number): number {
  let s = 0;
  let sink = 0;
  for (let i = 0; i < n; i += 10_000) {
    const recs = chunk(i, Math.min(n, i + 10_000));
    const t0 = performance.now();
    for (const r of recs) {
      const v = JSON.parse(dec.decode(r.value)) as Event;
      if (pass(v)) sink += enc.encode(JSON.stringify(project(v))).length;
    }
    s += performance.now() - t0;
  }
  if (sink === 0) throw new Error('bare loop produced nothing');
  return s / 1000;
}

if (process.env.B1_CHILD) {
  // one measured run in this process (a fresh process per run: clean peak RSS, and see app-run.ts)
  const { id, input, n, threads } = JSON.parse(process.env.B1_CHILD) as { id: string; input: string; n: number; threads: number };
  const dir = process.env.B1_DIR!;
  Object.assign(process.env, { B1_APP_ID: id, B1_APP_INPUT: input, B1_APP_OUTPUT: `out-${id}` }); // before the app module loads
  const appModule = new URL('./apps/stateless-app.ts', import.meta.url).href;
  const { default: app } = (await import(appModule)) as typeof import('./apps/stateless-app.ts');
  const r = await runApp(app, dir, { numStreamThreads: threads, appModule }, (running) => processed(running, n));
  console.log(JSON.stringify({ recPerSec: n / r.seconds, cpuPer1M: (r.cpuSeconds / n) * 1e6, rss: peakRssMB() }));
  process.exit(0);
}

let log = await LogStore.open(base);
const t = performance.now();
const main = await fill(log, 'b1-in', N);
const warm = await fill(log, 'b1-warm', WARM);
const ids = ['b1-app-warm', ...Array.from({ length: RUNS }, (_, i) => `b1-app${i}`), ...Array.from({ length: RUNS }, (_, i) => `b1-app${i}-2t`)];
for (const id of ids) await log.admin.createTopic(`out-${id}`, { partitions: PARTITIONS });
await log.close();
console.log(`B1: prefilled ${N} + ${WARM} records (${(main.bytes / N).toFixed(0)} B/value, ${((main.passing / N) * 100).toFixed(1)}% pass) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

type RunOut = { recPerSec: number; cpuPer1M: number; rss: number };
async function once(id: string, input: string, n: number, passing: number, threads = 1): Promise<RunOut> {
  const r = await child<RunOut>(import.meta.url, { B1_CHILD: JSON.stringify({ id, input, n, threads }), B1_DIR: base });
  log = await LogStore.open(base);
  const got = await endOffsets(log, `out-${id}`);
  await log.close();
  if (got !== passing) throw new Error(`${id}: expected ${passing} outputs, got ${got}`);
  return r;
}

await once('b1-app-warm', 'b1-warm', WARM, warm.passing);
bare(WARM);
const runs: RunOut[] = [];
const runs2: RunOut[] = [];
const bares = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await once(`b1-app${i}`, 'b1-in', N, main.passing));
  runs2.push(await once(`b1-app${i}-2t`, 'b1-in', N, main.passing, 2));
  bares.push(N / bare(N));
  console.log(`  run ${i}: ${Math.round(runs[i].recPerSec)} rec/s, ${runs[i].cpuPer1M.toFixed(2)} CPU-s/1M, peak RSS ${runs[i].rss.toFixed(0)} MB; ` +
    `2 threads ${Math.round(runs2[i].recPerSec)} rec/s, ${runs2[i].cpuPer1M.toFixed(2)} CPU-s/1M; bare ${Math.round(bares[i])} rec/s`);
}
fs.rmSync(base, { recursive: true, force: true });
const rps = median(runs.map((r) => r.recPerSec));
const cpu = median(runs.map((r) => r.cpuPer1M));
const bareRps = median(bares);
const rss = Math.max(...runs.map((r) => r.rss));
const rps2 = median(runs2.map((r) => r.recPerSec));
const twoThreads = `${Math.round(rps2)} rec/s (${(rps2 / rps).toFixed(2)}x), ${median(runs2.map((r) => r.cpuPer1M)).toFixed(2)} CPU-s/1M, peak RSS ${Math.max(...runs2.map((r) => r.rss)).toFixed(0)} MB`;
console.log(`B1 stateless: ${Math.round(rps).toLocaleString('en')} rec/s, ${cpu.toFixed(2)} CPU-s per 1M, bare JSON loop ${Math.round(bareRps).toLocaleString('en')} rec/s, ratio ${((rps / bareRps) * 100).toFixed(0)}% (target >= 60%), peak RSS ${rss.toFixed(0)} MB; 2 threads: ${twoThreads}`);
appendResult('B1 stateless (filter -> mapValues, 4 partitions, json120)',
  ['date', 'machine', 'fsync', 'records', 'rec/s (1 thread)', 'CPU-s per 1M', 'bare JSON loop rec/s', 'ratio', 'peak RSS', '2 threads', 'note'],
  [new Date().toISOString().slice(0, 10), machine(), 'none', `${N / 1e6}M (scaled from 10M)`, Math.round(rps), cpu.toFixed(2), Math.round(bareRps),
    `${((rps / bareRps) * 100).toFixed(0)}%`, `${rss.toFixed(0)} MB`, twoThreads, process.env.BENCH_NOTE ?? '']);
