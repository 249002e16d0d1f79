/**
 * K3 restore from Kafka (BENCHMARKS.md): B4's count store of K3_KEYS distinct keys (default 1M, 1 partition)
 * built by the app running on a local single-node KRaft broker (scripts/kafka/broker.sh, Kafka 4.4.0 from Maven
 * Central), then:
 *  - rebuild after deleting the state dir: app.start({ bootstrapServers }) restores the store from its changelog
 *    topic on the broker before it runs; restore rec/s, time to RUNNING (start() resolved);
 *  - clean restart with the checkpoint: nothing to replay; time to RUNNING.
 * Each start is a fresh child process. Median of K3_RUNS (3) after a warm-up. TRIBUTARY_KAFKA_BOOTSTRAP=host:port
 * uses a running broker instead of starting one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineApp, serdes } from '../src/index.ts';
import { openKafkaLog } from '../src/kafka/index.ts';
import type { RestoreProgress } from '../src/runtime/runner/restore.ts';
import { child, prefill, processed, runApp } from './lib/app-run.ts';
import { bytes100, peakRssMB, rng } from './lib/gen.ts';
import { appendResult, machine, median } from './lib/machine.ts';

const KEYS = Number(process.env.K3_KEYS ?? 1_000_000);
const RUNS = Number(process.env.K3_RUNS ?? 3);
const ID = `k3-${process.env.K3_RUN_ID ?? Date.now().toString(36)}`;
const enc = new TextEncoder();

const app = defineApp({
  applicationId: ID,
  build(b) {
    b.stream(`${ID}-in`, { key: serdes.string(), value: serdes.bytes() }).groupByKey().count({ storeName: 'counts' });
  },
});

type StartOut = { startSeconds: number; restored: number; rss: number };

if (process.env.K3_CHILD) {
  const bootstrapServers = process.env.K3_BOOTSTRAP!;
  const stateDir = process.env.K3_STATE!;
  if (process.env.K3_CHILD === 'build') {
    await runApp(app, stateDir, { bootstrapServers, stateDir }, (running) => processed(running, KEYS), 1_800_000);
    console.log(JSON.stringify({ startSeconds: 0, restored: 0, rss: peakRssMB() }));
  } else {
    let restored = 0;
    const t0 = performance.now();
    const running = await app.start({ bootstrapServers, stateDir, onRestore: (p: RestoreProgress) => { if (p.done) restored += p.restored; } } as never);
    const startSeconds = (performance.now() - t0) / 1000;
    const got = running.store<{ get(k: string): unknown }>('counts').get('user-0');
    if (got !== 1) throw new Error(`restored store: count of user-0 is ${String(got)}, expected 1`);
    await running.close();
    console.log(JSON.stringify({ startSeconds, restored, rss: peakRssMB() } satisfies StartOut));
  }
  process.exit(0);
}

const root = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'k3-'));
const broker = path.join(root, 'broker');
const script = new URL('../scripts/kafka/broker.sh', import.meta.url).pathname;
const own = !process.env.TRIBUTARY_KAFKA_BOOTSTRAP;
const bootstrap = own ? execFileSync('bash', [script, 'start', broker], { encoding: 'utf8' }).trim().split('\n').pop()! : process.env.TRIBUTARY_KAFKA_BOOTSTRAP!;
try {
  const log = await openKafkaLog({ bootstrapServers: bootstrap });
  await log.admin.createTopic(`${ID}-in`, { partitions: 1 });
  const r = rng(11);
  await prefill(log, `${ID}-in`, KEYS, (i) => ({ key: enc.encode(`user-${i}`), value: bytes100(r) }));
  const stateDir = path.join(root, 'state');
  const env = { K3_BOOTSTRAP: bootstrap, K3_STATE: stateDir, K3_RUN_ID: ID.slice(3) };
  let t = performance.now();
  await child<StartOut>(import.meta.url, { ...env, K3_CHILD: 'build' });
  console.log(`K3: built a store of ${KEYS} keys on Kafka at ${bootstrap} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const records = (await log.offsets({ topic: `${ID}-counts-changelog`, partition: 0 })).end;
  await log.close();
  const rebuild: StartOut[] = [];
  const clean: StartOut[] = [];
  for (let i = -1; i < RUNS; i++) {
    fs.rmSync(stateDir, { recursive: true, force: true });
    t = performance.now();
    const a = await child<StartOut>(import.meta.url, { ...env, K3_CHILD: 'start' });
    const b = await child<StartOut>(import.meta.url, { ...env, K3_CHILD: 'start' });
    if (i < 0) continue; // warm-up
    rebuild.push(a);
    clean.push(b);
    console.log(`  run ${i}: rebuild ${a.startSeconds.toFixed(2)} s (${a.restored} restored, RSS ${a.rss.toFixed(0)} MB); clean restart ${(b.startSeconds * 1000).toFixed(0)} ms (${b.restored} restored)`);
  }
  const rs = median(rebuild.map((x) => x.startSeconds));
  const cs = median(clean.map((x) => x.startSeconds));
  const recS = records / rs;
  console.log(`K3 restore from Kafka ${KEYS} keys (${records} changelog records): rebuild ${rs.toFixed(2)} s to RUNNING = ${Math.round(recS).toLocaleString('en')} rec/s (target >= 500k rec/s); clean restart ${(cs * 1000).toFixed(0)} ms; peak RSS ${Math.max(...rebuild.map((x) => x.rss)).toFixed(0)} MB`);
  appendResult('K3 restore from Kafka (count store, 1 partition, single-node KRaft broker on this machine)',
    ['date', 'machine', 'keys', 'changelog records', 'rebuild: time to RUNNING', 'restore rec/s', 'rebuild peak RSS', 'clean restart: time to RUNNING', 'note'],
    [new Date().toISOString().slice(0, 10), machine(), KEYS, records, `${rs.toFixed(2)} s`, Math.round(recS), `${Math.max(...rebuild.map((x) => x.rss)).toFixed(0)} MB`, `${(cs * 1000).toFixed(0)} ms`, process.env.BENCH_NOTE ?? '']);
} finally {
  if (own) execFileSync('bash', [script, 'stop', broker], { stdio: 'inherit' });
  fs.rmSync(root, { recursive: true, force: true });
}
