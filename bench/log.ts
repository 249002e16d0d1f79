/**
 * B6: producer -> built-in log -> consumer, no topology. Append MB/s per fsync policy beside
 * `dd bs=1M count=256 conv=fdatasync` on the same disk, consume MB/s, and open-loop produce->consume
 * latency (p50/p99/p99.9, from the intended send time: no coordinated omission) at fixed rates.
 * Env: B6_MB (append volume per run, default 256), B6_RUNS (default 3), B6_LAT_SECONDS (default 5).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogStore, type FsyncPolicy } from '../src/log-store/index.ts';
import { appendResult, machine, median, percentile } from './lib/machine.ts';

const MB = Number(process.env.B6_MB ?? 256);
const RUNS = Number(process.env.B6_RUNS ?? 3);
const LAT_S = Number(process.env.B6_LAT_SECONDS ?? 5);
const REC = 1024;
const base = fs.mkdtempSync(path.join(process.env.B6_DIR ?? os.tmpdir(), 'b6-'));

function value(seed: number): Buffer {
  const b = Buffer.allocUnsafe(REC);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < REC; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = 97 + (x >>> 24) % 26; }
  return b;
}
const values = Array.from({ length: 64 }, (_, i) => value(i));

function ddMBs(): number {
  const f = path.join(base, 'dd.bin');
  const t0 = process.hrtime.bigint();
  execFileSync('dd', ['if=/dev/zero', `of=${f}`, 'bs=1M', 'count=256', 'conv=fdatasync'], { stdio: 'ignore' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.rmSync(f);
  return 256 / s;
}

async function append(policy: FsyncPolicy, run: number): Promise<number> {
  const dir = path.join(base, `append-${JSON.stringify(policy).replace(/\W/g, '')}-${run}`);
  const log = await LogStore.open(dir, { fsync: policy, maintenanceIntervalMs: 0, serve: false });
  await log.admin.createTopic('b6', { partitions: 1 });
  const p = log.producer();
  const total = MB * 1024;
  const batch = 512; // 512 KiB per sendBatch
  const t0 = process.hrtime.bigint();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total; i += batch) {
    const recs = new Array(batch);
    for (let j = 0; j < batch; j++) recs[j] = { topic: 'b6', key: null, value: values[(i + j) & 63] };
    pending.push(p.sendBatch(recs));
    if (pending.length >= 8) await pending.shift();
  }
  await Promise.all(pending);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await log.close();
  if (run === RUNS - 1 && policy === 'none') return (MB / s) * -1; // keep the last 'none' dir for the consume test
  fs.rmSync(dir, { recursive: true, force: true });
  return MB / s;
}

async function consume(): Promise<number> {
  const dir = path.join(base, 'consume');
  const log = await LogStore.open(dir, { maintenanceIntervalMs: 0, serve: false });
  await log.admin.createTopic('b6', { partitions: 1 });
  const p = log.producer();
  for (let i = 0; i < MB * 1024; i += 1024) {
    const recs = [];
    for (let j = 0; j < 1024; j++) recs.push({ topic: 'b6', key: null, value: values[(i + j) & 63] });
    await p.sendBatch(recs);
  }
  const c = log.consumer({ autoOffsetReset: 'earliest' });
  c.assign([{ topic: 'b6', partition: 0 }]);
  let n = 0, bytes = 0;
  const t0 = process.hrtime.bigint();
  while (n < MB * 1024) {
    const rs = await c.poll({ timeoutMs: 100, maxRecords: 5000 });
    for (const r of rs) bytes += r.value!.length;
    n += rs.length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await c.close();
  await log.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return bytes / 1048576 / s;
}

async function latency(rate: number, policy: FsyncPolicy, seconds = LAT_S): Promise<{ p50: number; p99: number; p999: number; achieved: number }> {
  const dir = path.join(base, `lat-${rate}-${JSON.stringify(policy).replace(/\W/g, '')}`);
  const log = await LogStore.open(dir, { fsync: policy, maintenanceIntervalMs: 0, serve: false });
  await log.admin.createTopic('lat', { partitions: 1 });
  const p = log.producer();
  const c = log.consumer({ autoOffsetReset: 'earliest' });
  c.assign([{ topic: 'lat', partition: 0 }]);
  const total = rate * seconds;
  const intended = new Float64Array(total);
  const lat = new Float64Array(total);
  const start = performance.now() + 50;
  for (let i = 0; i < total; i++) intended[i] = start + (i * 1000) / rate;
  let received = 0;
  const consumer = (async () => {
    while (received < total) {
      const rs = await c.poll({ timeoutMs: 200, maxRecords: 10_000 });
      const now = performance.now();
      for (const r of rs) lat[r.offset] = now - intended[r.offset];
      received += rs.length;
    }
  })();
  // open loop: every tick, send everything whose intended time has passed (one batch)
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    let upto = sent;
    while (upto < total && intended[upto] <= now) upto++;
    if (upto > sent) {
      const recs = [];
      for (let i = sent; i < upto; i++) recs.push({ topic: 'lat', key: null, value: values[i & 63] });
      void p.sendBatch(recs);
      sent = upto;
    }
    await new Promise((r) => setImmediate(r));
  }
  await consumer;
  const elapsed = (performance.now() - start) / 1000;
  await c.close();
  await log.close();
  fs.rmSync(dir, { recursive: true, force: true });
  lat.sort();
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), p999: percentile(lat, 99.9), achieved: total / elapsed };
}

const policies: [string, FsyncPolicy][] = [['none', 'none'], ['batch', 'batch'], ['everyMs=5', { everyMs: 5 }], ['always', 'always']];
const ddRuns: number[] = [];
const appendRes = new Map<string, number[]>();
ddMBs(); // warm-up
for (let run = 0; run < RUNS; run++) {
  ddRuns.push(ddMBs());
  for (const [name, pol] of policies) {
    const r = Math.abs(await append(pol, run));
    appendRes.set(name, [...(appendRes.get(name) ?? []), r]);
  }
}
const ddMed = median(ddRuns);
console.log(`dd bs=1M count=256 conv=fdatasync: ${ddMed.toFixed(0)} MB/s (median of ${RUNS})`);
for (const [name] of policies) {
  const m = median(appendRes.get(name)!);
  console.log(`append fsync=${name}: ${m.toFixed(0)} MB/s (${((m / ddMed) * 100).toFixed(0)}% of dd), 1 KiB records, ${MB} MiB`);
}
const cons = median(await Promise.all([consume()]));
console.log(`consume: ${cons.toFixed(0)} MB/s`);
const lats: string[] = [];
await latency(20_000, 'none', 1); // warm-up (JIT)
for (const rate of [10_000, 50_000, 100_000]) {
  const r = await latency(rate, 'none');
  const line = `${rate / 1000}k/s: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, p99.9 ${r.p999.toFixed(2)} ms (achieved ${(r.achieved / 1000).toFixed(1)}k/s)`;
  console.log(`latency fsync=none ${line}`);
  lats.push(line);
}
const rb = await latency(50_000, 'batch');
const batchLine = `50k/s fsync=batch: p50 ${rb.p50.toFixed(2)} ms, p99 ${rb.p99.toFixed(2)} ms, p99.9 ${rb.p999.toFixed(2)} ms`;
console.log(`latency ${batchLine}`);
fs.rmSync(base, { recursive: true, force: true });
appendResult('B6 log (producer -> built-in log -> consumer)',
  ['date', 'machine', 'dd MB/s', 'append none', 'append batch', 'append everyMs=5', 'append always', 'consume MB/s', 'latency (fsync=none, open loop)', 'latency fsync=batch'],
  [new Date().toISOString().slice(0, 10), machine(), ddMed.toFixed(0),
    ...policies.map(([n]) => `${median(appendRes.get(n)!).toFixed(0)} MB/s (${((median(appendRes.get(n)!) / ddMed) * 100).toFixed(0)}%)`),
    cons.toFixed(0), lats.join('; '), batchLine]);
