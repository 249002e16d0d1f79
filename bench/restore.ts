/**
 * B4 restore: a count store of B4_KEYS distinct keys (default 1M; 1 partition, so one LevelDB store) built
 * by running groupByKey().count() over one record per key (bytes100 values), then:
 *  - rebuild after deleting local state: app.start() restores the store from its changelog before it runs;
 *    restore rec/s and MB/s (changelog segment bytes on disk / time), time to RUNNING (start() resolved);
 *  - clean restart with checkpoint: start() reads the .checkpoint and replays nothing; time to RUNNING.
 * Each start is a fresh child process (peak RSS is that process's). Median of B4_RUNS (3) after a warm-up.
 * The 10M-key store of BENCHMARKS.md is not run by default (B4_KEYS=10000000 does it). B4_KEEP=1 keeps the data dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogStore, defineApp, serdes } from '../src/index.ts';
import type { RestoreProgress } from '../src/runtime/runner/restore.ts';
import { child, prefill, processed, runApp } from './lib/app-run.ts';
import { bytes100, duBytes, peakRssMB, rng } from './lib/gen.ts';
import { appendResult, machine, median } from './lib/machine.ts';

const KEYS = Number(process.env.B4_KEYS ?? 1_000_000);
const RUNS = Number(process.env.B4_RUNS ?? 3);
const ID = 'b4';
const enc = new TextEncoder();

const app = defineApp({
  applicationId: ID,
  build(b) {
    b.stream('b4-in', { key: serdes.string(), value: serdes.bytes() }).groupByKey().count({ storeName: 'counts' });
  },
});

type StartOut = { startSeconds: number; restored: number; rss: number };

if (process.env.B4_CHILD) {
  const dir = process.env.B4_DIR!;
  if (process.env.B4_CHILD === 'build') {
    await runApp(app, dir, {}, (running) => processed(running, KEYS));
    console.log(JSON.stringify({ startSeconds: 0, restored: 0, rss: peakRssMB() }));
  } else {
    let restored = 0;
    const t0 = performance.now();
    const running = await app.start({ dataDir: dir, onRestore: (p: RestoreProgress) => { if (p.restored === p.total) restored += p.restored; } } as never);
    const startSeconds = (performance.now() - t0) / 1000;
    const got = running.store<{ get(k: string): unknown }>('counts').get('user-0');
    if (got !== 1) throw new Error(`restored store: count of user-0 is ${String(got)}, expected 1`);
    await running.close();
    console.log(JSON.stringify({ startSeconds, restored, rss: peakRssMB() } satisfies StartOut));
  }
  process.exit(0);
}

const base = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'b4-'));
let log = await LogStore.open(base);
await log.admin.createTopic('b4-in', { partitions: 1 });
const r = rng(11);
await prefill(log, 'b4-in', KEYS, (i) => ({ key: enc.encode(`user-${i}`), value: bytes100(r) }));
await log.close();
let t = performance.now();
await child<StartOut>(import.meta.url, { B4_CHILD: 'build', B4_DIR: base });
console.log(`B4: built a store of ${KEYS} keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
log = await LogStore.open(base);
const changelog = `${ID}-counts-changelog`;
const records = (await log.offsets({ topic: changelog, partition: 0 })).end;
await log.close();
const clBytes = await duBytes(path.join(base, `${changelog}-0`));
const stateDir = path.join(base, 'state');

const rebuild: StartOut[] = [];
const clean: StartOut[] = [];
for (let i = -1; i < RUNS; i++) {
  fs.rmSync(stateDir, { recursive: true, force: true });
  t = performance.now();
  const a = await child<StartOut>(import.meta.url, { B4_CHILD: 'start', B4_DIR: base });
  const b = await child<StartOut>(import.meta.url, { B4_CHILD: 'start', B4_DIR: base });
  if (i < 0) continue; // warm-up
  rebuild.push(a);
  clean.push(b);
  console.log(`  run ${i}: rebuild ${a.startSeconds.toFixed(2)} s (${a.restored} restored, RSS ${a.rss.toFixed(0)} MB); clean restart ${(b.startSeconds * 1000).toFixed(0)} ms (${b.restored} restored, RSS ${b.rss.toFixed(0)} MB)`);
}
if (process.env.B4_KEEP) console.log(`B4: data dir kept at ${base} (B4_KEEP)`);
else fs.rmSync(base, { recursive: true, force: true });
const rs = median(rebuild.map((x) => x.startSeconds));
const cs = median(clean.map((x) => x.startSeconds));
const recS = records / rs;
const mbS = clBytes / 1048576 / rs;
console.log(`B4 restore ${KEYS} keys (${records} changelog records, ${(clBytes / 1048576).toFixed(1)} MB): rebuild ${rs.toFixed(2)} s to RUNNING = ${Math.round(recS).toLocaleString('en')} rec/s, ${mbS.toFixed(1)} MB/s (target >= 1M rec/s); clean restart ${(cs * 1000).toFixed(0)} ms (target < 1 s); peak RSS ${Math.max(...rebuild.map((x) => x.rss)).toFixed(0)} / ${Math.max(...clean.map((x) => x.rss)).toFixed(0)} MB`);
appendResult('B4 restore (count store, 1 partition)',
  ['date', 'machine', 'fsync', 'keys', 'changelog', 'rebuild: time to RUNNING', 'restore rec/s', 'restore MB/s', 'rebuild peak RSS', 'clean restart: time to RUNNING', 'clean peak RSS', 'note'],
  [new Date().toISOString().slice(0, 10), machine(), 'none', KEYS, `${records} records, ${(clBytes / 1048576).toFixed(1)} MB`, `${rs.toFixed(2)} s`, Math.round(recS), mbS.toFixed(1),
    `${Math.max(...rebuild.map((x) => x.rss)).toFixed(0)} MB`, `${(cs * 1000).toFixed(0)} ms`, `${Math.max(...clean.map((x) => x.rss)).toFixed(0)} MB`, process.env.BENCH_NOTE ?? '']);
