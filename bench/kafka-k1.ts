/**
 * K1 on Kafka (BENCHMARKS.md): B1 (filter -> mapValues -> to, json120) and B2 (groupByKey().count(), bytes100, cache
 * 10 MiB or 0, keys uniform(1M) or zipf(1M, 0.99)) on one local single-node KRaft broker (scripts/kafka/broker.sh,
 * Kafka 4.4.0, broker defaults for group and transaction timeouts), Tributary (app.start({ bootstrapServers })) and
 * Java Kafka Streams 4.4 (bench/java/Bench.java, RocksDB, -Xmx1g) side by side on the same input topics, loaded once,
 * 4 partitions, at_least_once, default commit interval, each run a fresh process with its own applicationId.
 * Per variant and side: rec/s (from the app running -- Tributary: start() resolved, Java: RUNNING -- to the end of
 * close(), which includes the final flush and commit), rec/s per stream thread, CPU-s per 1M input records of the
 * app process and of the broker process (over the same span), peak RSS of the app. The two sides run back to back
 * (Tributary run i, then Java run i) so that other load on the machine hits both alike; median of K1_RUNS after one
 * discarded warm-up run per side, with the spread (min..max). Output counts are checked (B1: every passing record
 * reached the output topic, for both sides; B2: Tributary's changelog records per input record).
 * Env: K1_RECORDS (default 1M per input topic; BENCHMARKS.md says 10M, the row says how many), K1_RUNS (3),
 * K1_VARIANTS (default b1,cache-uniform,cache-zipf,nocache-uniform), K1_THREADS (stream threads per app, 1),
 * TRIBUTARY_KAFKA_BOOTSTRAP=host:port (use a running broker: no broker CPU then), BENCH_DIR, BENCH_NOTE, K1_PROFILE=dir
 * (Tributary runs under node --cpu-prof, profiles written to dir/<run id>/, one per thread, tsx's loader thread too; nothing is appended to RESULTS.md then).
 * Run: node --import tsx bench/kafka-k1.ts (or npm run bench -- kafka-k1). Needs java 17+ and mvn (test/java/pom.xml).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '../src/index.ts';
import { openKafkaLog } from '../src/kafka/index.ts';
import type { LogClient } from '../src/log-client/client.ts';
import { pass, type Event } from './apps/events.ts';
import { endOffsets } from './lib/app-run.ts';
import { TS_BASE, bytes100, json120, keyIndexes, peakRssMB, rng, type KeyDist } from './lib/gen.ts';
import { appendResult, machine, median } from './lib/machine.ts';

const N = Number(process.env.K1_RECORDS ?? 1_000_000);
const RUNS = Number(process.env.K1_RUNS ?? 3);
const THREADS = Number(process.env.K1_THREADS ?? 1);
const VARIANTS = (process.env.K1_VARIANTS ?? 'b1,cache-uniform,cache-zipf,nocache-uniform').split(',');
const PARTITIONS = 4;
const WARM = Math.min(200_000, N);
const enc = new TextEncoder();
const dec = new TextDecoder();
const here = path.dirname(fileURLToPath(import.meta.url));
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** utime + stime of process `pid` in clock ticks (proc(5) fields 14 and 15), or -1 without a pid. */
function procTicks(pid: string | undefined): number {
  if (!pid) return -1;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** One measured run's figures, from either side. */
type RunOut = { recPerSec: number; seconds: number; cpuSeconds: number; brokerTicks: number; rssMB: number };

interface ChildJob { kind: 'b1' | 'b2'; id: string; input: string; n: number; caching: boolean; threads: number }

if (process.env.K1_CHILD) {
  // one Tributary run in this process: the app module reads its parameters from the environment at load
  const job = JSON.parse(process.env.K1_CHILD) as ChildJob;
  const appModule = new URL(job.kind === 'b1' ? './apps/stateless-app.ts' : './apps/count-app.ts', import.meta.url).href;
  if (job.kind === 'b1') Object.assign(process.env, { B1_APP_ID: job.id, B1_APP_INPUT: job.input, B1_APP_OUTPUT: `${job.id}-out` });
  else Object.assign(process.env, { B2_APP_ID: job.id, B2_APP_INPUT: job.input, B2_APP_CACHING: String(job.caching) });
  const { default: app } = (await import(appModule)) as { default: App };
  const running = await app.start({
    bootstrapServers: process.env.K1_BOOTSTRAP!, stateDir: process.env.K1_STATE!, numStreamThreads: job.threads, appModule,
    onLog: (l: string) => process.stderr.write(l + '\n'),
  } as never);
  const broker0 = procTicks(process.env.BENCH_BROKER_PID);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (((running.metrics() as Record<string, unknown>).processed as number) < job.n) {
    const err = running.error();
    if (err) throw err;
    if (performance.now() - t0 > 900_000) throw new Error(`K1 run ${job.id} timed out after 900 s: ${JSON.stringify(running.metrics())}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  await running.close();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const brokerTicks = broker0 < 0 ? -1 : procTicks(process.env.BENCH_BROKER_PID) - broker0;
  console.log(JSON.stringify({ recPerSec: job.n / seconds, seconds, cpuSeconds: (c.user + c.system) / 1e6, brokerTicks, rssMB: peakRssMB() } satisfies RunOut));
  process.exit(0);
}

/** Runs `cmd args` with `env`, returning its last stdout line parsed as JSON; stderr goes to `logFile`. */
function runJson(cmd: string, args: string[], env: Record<string, string>, logFile: string): Promise<RunOut> {
  return new Promise((resolve, reject) => {
    const err = fs.openSync(logFile, 'a');
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', err] });
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      fs.closeSync(err);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${path.basename(cmd)} ${args.slice(-6).join(' ')} exited with ${code}; its log: ${logFile}\n${out}`));
      try {
        resolve(JSON.parse(last) as RunOut);
      } catch (e) {
        reject(new Error(`output is not JSON: ${last} (log: ${logFile})`, { cause: e }));
      }
    });
  });
}

/** Appends n records made by make(i) to topic in batches of 10k (not timed). */
async function load(log: LogClient, topic: string, n: number, make: (i: number) => { key: Uint8Array; value: Uint8Array }): Promise<void> {
  await log.admin.createTopic(topic, { partitions: PARTITIONS });
  const p = log.producer();
  for (let i = 0; i < n; i += 10_000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) batch.push({ topic, ...make(j), timestamp: TS_BASE + j });
    await p.sendBatch(batch);
  }
  await p.flush();
}

/** B1's input: json120 events, keys uniform(1M); returns how many pass the filter. */
async function loadB1(log: LogClient, topic: string, n: number, seed: number): Promise<number> {
  const r = rng(seed);
  const k = keyIndexes({ kind: 'uniform', k: 1_000_000 }, r);
  let passing = 0;
  await load(log, topic, n, (i) => {
    const u = k();
    const value = enc.encode(JSON.stringify(json120(r, u, TS_BASE + i)));
    if (pass(JSON.parse(dec.decode(value)) as Event)) passing++;
    return { key: enc.encode(`user-${u}`), value };
  });
  await log.admin.createTopic(`${topic}-out`, { partitions: PARTITIONS }); // Java's output topic (Bench.java stateless)
  return passing;
}

async function loadB2(log: LogClient, topic: string, n: number, dist: KeyDist, seed: number): Promise<void> {
  const r = rng(seed);
  const k = keyIndexes(dist, r);
  await load(log, topic, n, () => ({ key: enc.encode(`user-${k()}`), value: bytes100(r) }));
}

/** Kafka Streams' classpath (test/java/pom.xml) plus Jackson from the broker's jars, as bench/java/broker.sh builds it. */
function javaClasspath(): string {
  const root = path.join(here, '..');
  execFileSync('bash', [path.join(root, 'scripts/kafka/fetch-jars.sh')], { stdio: 'ignore' });
  const file = path.join(os.tmpdir(), `k1-cp-${process.pid}.txt`);
  const args = ['-q', '-B', '-f', path.join(root, 'test/java/pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${file}`];
  try {
    execFileSync('mvn', ['-o', ...args], { stdio: 'ignore' });
  } catch {
    execFileSync('mvn', args, { stdio: 'ignore' });
  }
  const jars = process.env.TRIBUTARY_KAFKA_JARS ?? path.join(os.homedir(), '.cache/tributary/kafka-jars');
  const cp = fs.readFileSync(file, 'utf8').trim();
  fs.rmSync(file, { force: true });
  return [cp, ...fs.readdirSync(jars).filter((f) => f.startsWith('jackson-')).map((f) => path.join(jars, f))].join(':');
}

const root = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'k1-'));
const brokerDir = path.join(root, 'broker');
const brokerScript = path.join(here, '../scripts/kafka/broker.sh');
const own = !process.env.TRIBUTARY_KAFKA_BOOTSTRAP;
const bootstrap = own
  ? execFileSync('bash', [brokerScript, 'start', brokerDir], { encoding: 'utf8', env: { ...process.env, KAFKA_TEST_TIMEOUTS: '0', KAFKA_HEAP: '1g' } }).trim().split('\n').pop()!
  : process.env.TRIBUTARY_KAFKA_BOOTSTRAP!;
const brokerPid = own ? fs.readFileSync(path.join(brokerDir, 'broker.pid'), 'utf8').trim() : '';
const logFile = path.join(root, 'apps.log');
try {
  const cp = javaClasspath();
  const tag = Date.now().toString(36);
  const log = await openKafkaLog({ bootstrapServers: bootstrap });
  const t = performance.now();
  const topics: Record<string, string> = {};
  const passing: Record<string, number> = {};
  const need = new Set(VARIANTS.map((v) => (v === 'b1' ? 'b1' : v.split('-')[1])));
  for (const input of ['warm', ...need]) {
    const topic = `k1-${tag}-${input}`;
    topics[input] = topic;
    if (input === 'b1') passing[input] = await loadB1(log, topic, N, 1000);
    else if (input === 'warm') passing[input] = await loadB1(log, topic, WARM, 2000);
    else if (input === 'uniform') await loadB2(log, topic, N, { kind: 'uniform', k: 1_000_000 }, 5);
    else if (input === 'zipf') await loadB2(log, topic, N, { kind: 'zipf', k: 1_000_000, s: 0.99 }, 7);
    else throw new Error(`K1_VARIANTS: unknown variant input '${input}' (variants: b1, cache-uniform, cache-zipf, nocache-uniform, nocache-zipf)`);
  }
  console.log(`K1: broker ${bootstrap}${own ? ` (pid ${brokerPid})` : ''}; loaded ${[...need].join(', ')} (${N} records each) + warm-up (${WARM}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const env = { K1_BOOTSTRAP: bootstrap, K1_STATE: path.join(root, 'state'), BENCH_BROKER_PID: brokerPid };
  const nodeArgs = (id: string) => [...process.execArgv, ...(process.env.K1_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.K1_PROFILE, id)}`] : []), fileURLToPath(import.meta.url)];
  const tributary = async (job: ChildJob) => {
    if (job.kind === 'b1') await log.admin.createTopic(`${job.id}-out`, { partitions: PARTITIONS });
    return runJson(process.execPath, nodeArgs(job.id), { ...env, K1_CHILD: JSON.stringify(job) }, logFile);
  };
  const java = (job: ChildJob) => {
    const args = job.kind === 'b1'
      ? ['stateless', bootstrap, job.input, String(job.n), job.id, String(job.threads)]
      : ['count', bootstrap, job.input, String(job.n), job.id, job.caching ? '10485760' : '0', String(job.threads)];
    return runJson('java', ['-Xmx1g', '-cp', cp, path.join(here, 'java/Bench.java'), ...args], { BENCH_BROKER_PID: brokerPid }, logFile);
  };
  const outputs = async (topic: string) => endOffsets(log, topic);

  // warm-up: one discarded run per side (page cache, JIT of the broker)
  await tributary({ kind: 'b1', id: `k1-${tag}-warm-ts`, input: topics.warm, n: WARM, caching: true, threads: THREADS });
  await java({ kind: 'b1', id: `k1-${tag}-warm-java`, input: topics.warm, n: WARM, caching: true, threads: THREADS });

  const rows: string[][] = [];
  for (const v of VARIANTS) {
    const [cache, dist] = v.split('-');
    const kind = v === 'b1' ? 'b1' : 'b2';
    const input = topics[kind === 'b1' ? 'b1' : dist];
    const sides: Record<'ts' | 'java', RunOut[]> = { ts: [], java: [] };
    const changelog: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const side of ['ts', 'java'] as const) {
        const job: ChildJob = { kind, id: `k1-${tag}-${v}-${side}-${i}`, input, n: N, caching: cache === 'cache', threads: THREADS };
        const javaOut0 = kind === 'b1' && side === 'java' ? await outputs(`${input}-out`) : 0;
        const r = await (side === 'ts' ? tributary(job) : java(job));
        if (kind === 'b1') {
          const got = side === 'ts' ? await outputs(`${job.id}-out`) : (await outputs(`${input}-out`)) - javaOut0;
          if (got !== passing.b1) throw new Error(`${job.id}: expected ${passing.b1} outputs, got ${got}`);
        } else if (side === 'ts') changelog.push((await outputs(`${job.id}-counts-changelog`)) / N);
        sides[side].push(r);
        console.log(`  ${v} run ${i} ${side === 'ts' ? 'tributary' : 'java     '}: ${Math.round(r.recPerSec)} rec/s, app ${((r.cpuSeconds / N) * 1e6).toFixed(2)} CPU-s/1M, ` +
          `broker ${r.brokerTicks < 0 ? 'n/a' : ((r.brokerTicks / CLK_TCK / N) * 1e6).toFixed(2)} CPU-s/1M, ${r.seconds.toFixed(1)} s, RSS ${r.rssMB.toFixed(0)} MB`);
      }
    }
    const fig = (rs: RunOut[]) => {
      const rps = median(rs.map((r) => r.recPerSec));
      const spread = `${Math.round(Math.min(...rs.map((r) => r.recPerSec)) / THREADS)}..${Math.round(Math.max(...rs.map((r) => r.recPerSec)) / THREADS)}`; // per thread
      const app = median(rs.map((r) => (r.cpuSeconds / N) * 1e6)).toFixed(2);
      const broker = rs[0].brokerTicks < 0 ? 'n/a' : median(rs.map((r) => (r.brokerTicks / CLK_TCK / N) * 1e6)).toFixed(2);
      return { rps, spread, app, broker, rss: Math.max(...rs.map((r) => r.rssMB)).toFixed(0) };
    };
    const a = fig(sides.ts);
    const b = fig(sides.java);
    const ratio = (a.rps / b.rps).toFixed(2);
    const cl = kind === 'b2' ? `, changelog/input ${median(changelog).toFixed(3)}` : '';
    console.log(`K1 ${v} (${THREADS} thread(s)): Tributary ${Math.round(a.rps)} rec/s, ${Math.round(a.rps / THREADS)} per thread (${a.spread}), app ${a.app} CPU-s/1M, broker ${a.broker} CPU-s/1M, RSS ${a.rss} MB${cl} | ` +
      `Java ${Math.round(b.rps)} rec/s, ${Math.round(b.rps / THREADS)} per thread (${b.spread}), app ${b.app} CPU-s/1M, broker ${b.broker} CPU-s/1M, RSS ${b.rss} MB | ratio ${ratio}x (target >= 1.0x)`);
    rows.push([new Date().toISOString().slice(0, 10), machine(), v, `${N / 1e6}M x ${RUNS}`, String(THREADS),
      `${Math.round(a.rps / THREADS)} (${a.spread})`, a.app, a.broker, `${a.rss} MB${cl}`,
      `${Math.round(b.rps / THREADS)} (${b.spread})`, b.app, b.broker, `${b.rss} MB`, `${ratio}x`, process.env.BENCH_NOTE ?? '']);
  }
  await log.close();
  for (const row of process.env.K1_PROFILE ? [] : rows) { // profiled runs are slower: not recorded
    appendResult('K1 on Kafka (B1 and B2 on one local single-node KRaft broker, Tributary beside Java Kafka Streams 4.4)',
      ['date', 'machine', 'variant', 'records x runs', 'threads', 'Tributary rec/s per thread (spread)', 'Tributary app CPU-s/1M', 'broker CPU-s/1M (Tributary)', 'Tributary peak RSS',
        'Java rec/s per thread (spread)', 'Java app CPU-s/1M', 'broker CPU-s/1M (Java)', 'Java peak RSS', 'ratio', 'note'], row);
  }
} finally {
  if (own) execFileSync('bash', [brokerScript, 'stop', brokerDir], { stdio: 'inherit' });
  if (!process.env.K1_KEEP) fs.rmSync(root, { recursive: true, force: true });
}
