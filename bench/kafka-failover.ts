/**
 * K2 failover (BENCHMARKS.md): 3 instances of a count app (groupByKey().count() -> output topic) share a group on a
 * local single-node KRaft broker (scripts/kafka/broker.sh, Kafka 4.4.0, the test broker's lowered minimum session
 * timeouts); the input topic (K2_PARTITIONS = 6) is loaded with K2_KEYS (1M) distinct keys first, so the stores hold
 * 1M keys; then steady input (K2_RATE = 2000 rec/s over those keys) keeps flowing. Each sample is a fresh fleet (its
 * own applicationId, so only standbys hold a copy of a task's state): once every task runs, the input lag is under
 * two seconds of input and the standbys are as close to their changelogs' ends, it SIGKILLs the instance with the most active tasks and measures, on the broker (not from
 * any instance's own report):
 *  - resume: from the kill until every output partition of the killed instance's tasks grows again (the output of
 *    task 0_p goes to partition p: same key bytes, same murmur2); also the first one to resume;
 *  - running: from the kill until a surviving instance reports each moved task active and running (restored; the
 *    instances report every 100 ms);
 *  - restored: changelog records the new owners replayed for the moved tasks.
 * Cases: each protocol in K2_PROTOCOLS (streams,classic) x K2_STANDBYS (0,1) standby replicas, K2_SAMPLES (2) each,
 * sessionTimeoutMs K2_SESSION_MS (6000), commitIntervalMs 1000, cacheMaxBytes 0 (every update reaches the output at
 * once), at_least_once. Median and spread go to bench/RESULTS.md.
 * Env: TRIBUTARY_KAFKA_BOOTSTRAP=host:port uses a running broker; BENCH_DIR, BENCH_NOTE.
 * Run: node --import tsx bench/kafka-failover.ts (or npm run bench -- kafka-failover).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineApp, serdes } from '../src/index.ts';
import type { TaskInfo } from '../src/app/tasks.ts';
import { openKafkaLog } from '../src/kafka/index.ts';
import type { LogClient } from '../src/log-client/client.ts';
import { prefill } from './lib/app-run.ts';
import { bytes100, rng } from './lib/gen.ts';
import { appendResult, machine, median } from './lib/machine.ts';

const KEYS = Number(process.env.K2_KEYS ?? 1_000_000);
const PARTITIONS = Number(process.env.K2_PARTITIONS ?? 6);
const RATE = Number(process.env.K2_RATE ?? 2000);
const SAMPLES = Number(process.env.K2_SAMPLES ?? 2);
const SESSION_MS = Number(process.env.K2_SESSION_MS ?? 6000);
const PROTOCOLS = (process.env.K2_PROTOCOLS ?? 'streams,classic').split(',');
const STANDBYS = (process.env.K2_STANDBYS ?? '0,1').split(',').map(Number);
const INSTANCES = 3;
const enc = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What an instance prints on stdout every 100 ms: its tasks. */
type Report = { t: number; tasks: Array<Pick<TaskInfo, 'id' | 'type' | 'state'> & { restored: number }> };

if (process.env.K2_CHILD) {
  const { id, input, bootstrapServers, stateDir, protocol, standbys } = JSON.parse(process.env.K2_CHILD) as Record<string, string>;
  const app = defineApp({
    applicationId: id,
    build(b) {
      b.stream(input, { key: serdes.string(), value: serdes.bytes() }).groupByKey().count({ storeName: 'counts' })
        .toStream().to(`${id}-out`, { key: serdes.string(), value: serdes.int64() });
    },
  });
  const running = await app.start({
    bootstrapServers, stateDir, groupProtocol: protocol, numStandbyReplicas: Number(standbys), sessionTimeoutMs: SESSION_MS,
    commitIntervalMs: 1000, cacheMaxBytes: 0, onLog: (l: string) => process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${l}\n`),
  } as never);
  const report = () => {
    const tasks = running.tasks().map((x) => ({ id: x.id, type: x.type, state: x.state, restored: x.restore.reduce((n, r) => n + r.restored, 0) }));
    process.stdout.write(`${JSON.stringify({ t: Date.now(), tasks } satisfies Report)}\n`);
  };
  setInterval(report, 100);
  process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
}

/** One instance: a child process of this file, its latest task report kept. */
class Instance {
  readonly proc: ChildProcess;
  last: Report = { t: 0, tasks: [] };
  readonly reports: Report[] = [];
  readonly exited: Promise<void>;
  /** How the process ended (exit code or signal), once it has. */
  exit: string | null = null;
  constructor(env: Record<string, string>, readonly stateDir: string, logFile: string) {
    const log = fs.openSync(logFile, 'a');
    this.proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', log] });
    let buf = '';
    this.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        this.last = JSON.parse(line) as Report;
        this.reports.push(this.last);
      }
    });
    this.exited = new Promise((r) => this.proc.on('exit', (code, signal) => {
      this.exit = `${code ?? signal}`;
      r();
    }));
  }
  active(): string[] {
    return this.last.tasks.filter((t) => t.type === 'active').map((t) => t.id);
  }
}

type Sample = { resumeAllMs: number; resumeFirstMs: number; runningMs: number; restored: number; moved: number };

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'k2-'));
  const script = new URL('../scripts/kafka/broker.sh', import.meta.url).pathname;
  const own = !process.env.TRIBUTARY_KAFKA_BOOTSTRAP;
  const bootstrap = own ? execFileSync('bash', [script, 'start', path.join(root, 'broker')], { encoding: 'utf8' }).trim().split('\n').pop()! : process.env.TRIBUTARY_KAFKA_BOOTSTRAP!;
  const runId = Date.now().toString(36);
  const input = `k2-${runId}-in`;
  const log = await openKafkaLog({ bootstrapServers: bootstrap });
  try {
    await log.admin.createTopic(input, { partitions: PARTITIONS });
    const r = rng(7);
    let t = performance.now();
    await prefill(log, input, KEYS, (i) => ({ key: enc.encode(`user-${i}`), value: bytes100(r) }));
    console.log(`K2: ${KEYS} keys loaded into ${input} (${PARTITIONS} partitions) on ${bootstrap} in ${((performance.now() - t) / 1000).toFixed(1)} s; logs in ${root}`);
    for (const protocol of PROTOCOLS) {
      for (const standbys of STANDBYS) {
        t = performance.now();
        const samples = await runCase(log, bootstrap, input, root, `k2-${runId}-${protocol}-${standbys}`, protocol, standbys);
        const m = (f: (s: Sample) => number) => `${(median(samples.map(f)) / 1000).toFixed(2)} s (${(Math.min(...samples.map(f)) / 1000).toFixed(2)}..${(Math.max(...samples.map(f)) / 1000).toFixed(2)})`;
        console.log(`K2 ${protocol} protocol, ${standbys} standby: resume all ${m((s) => s.resumeAllMs)}, first ${m((s) => s.resumeFirstMs)}, moved tasks running ${m((s) => s.runningMs)}; restored per failover ${samples.map((s) => s.restored).join(', ')} records; session timeout ${SESSION_MS} ms (case took ${((performance.now() - t) / 1000).toFixed(0)} s)`);
        appendResult(`K2 failover (3 instances, count app, ${KEYS} keys, ${PARTITIONS} partitions, ${RATE} rec/s steady input, single-node KRaft broker on this machine)`,
          ['date', 'machine', 'protocol', 'standbys', 'session timeout', 'samples (fresh fleets)', 'kill -> all moved partitions output again (median, min..max)', 'kill -> first', 'kill -> moved tasks running', 'changelog records restored per failover', 'note'],
          [new Date().toISOString().slice(0, 10), machine(), protocol, standbys, `${SESSION_MS} ms`, samples.length, m((s) => s.resumeAllMs), m((s) => s.resumeFirstMs), m((s) => s.runningMs),
            samples.map((s) => s.restored).join(', '), process.env.BENCH_NOTE ?? '']);
      }
    }
  } finally {
    await log.close();
    if (own) execFileSync('bash', [script, 'stop', path.join(root, 'broker')], { stdio: 'inherit' });
    if (!process.env.K2_KEEP) fs.rmSync(root, { recursive: true, force: true });
  }
}

/** One protocol x standby case: SAMPLES fresh fleets (a new app id each: state only where the group put it), one kill each. */
async function runCase(log: LogClient, bootstrap: string, input: string, root: string, base: string, protocol: string, standbys: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let k = 0; k < SAMPLES; k++) samples.push(await sample(log, bootstrap, input, root, `${base}-s${k}`, protocol, standbys));
  return samples;
}

async function sample(log: LogClient, bootstrap: string, input: string, root: string, id: string, protocol: string, standbys: number): Promise<Sample> {
  await log.admin.createTopic(`${id}-out`, { partitions: PARTITIONS });
  const fleet: Instance[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const stateDir = path.join(root, `${id}-state-${i}`);
    fleet.push(new Instance({ K2_CHILD: JSON.stringify({ id, input, bootstrapServers: bootstrap, stateDir, protocol, standbys: String(standbys) }) }, stateDir, path.join(root, `${id}-instance-${i}.log`)));
  }
  const feeder = feed(log, input);
  try {
    const t0 = performance.now();
    await settle(log, id, input, fleet, standbys);
    const settled = (performance.now() - t0) / 1000;
    const victim = fleet.reduce((a, b) => (b.active().length > a.active().length ? b : a));
    const moved = victim.active();
    const parts = moved.map((x) => Number(x.slice(x.indexOf('_') + 1)));
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    await victim.exited;
    await sleep(200); // produce requests the victim had on the wire are appended by now
    const base = await Promise.all(parts.map(async (p) => (await log.offsets({ topic: `${id}-out`, partition: p })).end));
    const resumed = new Map<number, number>();
    const end = Date.now() + 120_000;
    while (resumed.size < parts.length) {
      if (Date.now() > end) throw new Error(`K2 ${id}: partitions ${parts.filter((p) => !resumed.has(p)).join(', ')} did not output again within 120 s of the kill; logs in ${root}`);
      await sleep(20);
      for (let j = 0; j < parts.length; j++) {
        if (resumed.has(parts[j])) continue;
        if ((await log.offsets({ topic: `${id}-out`, partition: parts[j] })).end > base[j]) resumed.set(parts[j], Date.now() - killedAt);
      }
    }
    await sleep(300); // the instances report every 100 ms: let the report of the first output arrive
    const survivors = fleet.filter((x) => x !== victim);
    const runningAt = moved.map((task) => {
      for (const s of survivors) {
        const rep = s.reports.find((x) => x.t >= killedAt && x.tasks.some((y) => y.id === task && y.type === 'active' && y.state === 'running'));
        if (rep) return { t: rep.t - killedAt, restored: rep.tasks.find((y) => y.id === task)!.restored };
      }
      return { t: Number.NaN, restored: 0 };
    });
    const out: Sample = {
      resumeAllMs: Math.max(...resumed.values()), resumeFirstMs: Math.min(...resumed.values()),
      runningMs: Math.max(...runningAt.map((x) => x.t)), restored: runningAt.reduce((n, x) => n + x.restored, 0), moved: moved.length,
    };
    console.log(`  ${id}: settled in ${settled.toFixed(0)} s; killed the instance with [${moved.join(' ')}]; output again after ${[...resumed].map(([p, ms]) => `p${p} ${ms} ms`).join(', ')}; running after ${out.runningMs} ms; ${out.restored} records restored`);
    return out;
  } finally {
    await feeder.stop();
    for (const x of fleet) x.proc.kill('SIGTERM');
    await Promise.all(fleet.map((x) => Promise.race([x.exited, sleep(20_000).then(() => x.proc.kill('SIGKILL'))])));
  }
}

/**
 * Waits until every task is active and running on one instance, every standby is placed and caught up (its
 * checkpoint within two seconds of input of its changelog's end: a warm standby, as in a fleet that has run a while),
 * and the input lag is under two seconds of input, for 3 s in a row.
 */
async function settle(log: LogClient, id: string, input: string, fleet: Instance[], standbys: number): Promise<void> {
  const end = Date.now() + 600_000;
  let steadySince = 0;
  let last = '';
  for (;;) {
    if (Date.now() > end) throw new Error(`K2 ${id}: the fleet did not settle within 600 s (${last}): ${JSON.stringify(fleet.map((x) => x.last))}`);
    await sleep(500);
    const dead = fleet.find((x) => x.exit !== null);
    if (dead) throw new Error(`K2 ${id}: an instance exited (${dead.exit}) before the kill: see its log next to ${dead.stateDir}`);
    const all = fleet.flatMap((x) => x.last.tasks.filter((t) => t.state === 'running').map((t) => ({ ...t, stateDir: x.stateDir })));
    const active = new Set(all.filter((t) => t.type === 'active').map((t) => t.id));
    const standbyTasks = all.filter((t) => t.type === 'standby');
    const lags = (await log.admin.groupLag(id)).filter((l) => l.topic === input);
    const lag = lags.length === PARTITIONS ? lags.reduce((n, l) => n + l.lag, 0) : Number.POSITIVE_INFINITY;
    let standbyLag = 0;
    for (const t of standbyTasks) {
      const p = Number(t.id.slice(t.id.indexOf('_') + 1));
      const topic = `${id}-counts-changelog`;
      const changelogEnd = (await log.offsets({ topic, partition: p })).end;
      standbyLag += changelogEnd - checkpointOf(path.join(t.stateDir, id, t.id), `${topic}-${p}`);
    }
    last = `${active.size}/${PARTITIONS} active, ${standbyTasks.length}/${PARTITIONS * standbys} standbys ${standbyLag} behind, input lag ${lag}`;
    const ok = active.size === PARTITIONS && standbyTasks.length >= PARTITIONS * standbys && lag < 2 * RATE && standbyLag < 2 * RATE && fleet.every((x) => x.active().length > 0);
    if (!ok) steadySince = 0;
    else if (!steadySince) steadySince = Date.now();
    else if (Date.now() - steadySince > 3000) return;
  }
}

/** The changelog offset a task's checkpoint file records (0 without one). */
function checkpointOf(taskDir: string, changelogPartition: string): number {
  try {
    return (JSON.parse(fs.readFileSync(path.join(taskDir, '.checkpoint'), 'utf8')) as { offsets: Record<string, number> }).offsets[changelogPartition] ?? 0;
  } catch {
    return 0;
  }
}

/** Steady input: RATE records per second with keys drawn from the loaded keys. */
function feed(log: LogClient, input: string): { stop(): Promise<void> } {
  const producer = log.producer();
  const r = rng(99);
  let on = true;
  const done = (async () => {
    while (on) {
      const t0 = Date.now();
      const batch = Array.from({ length: RATE / 10 }, () => ({ topic: input, key: enc.encode(`user-${Math.floor(r() * KEYS)}`), value: bytes100(r) }));
      await producer.sendBatch(batch);
      await sleep(Math.max(0, 100 - (Date.now() - t0)));
    }
  })();
  return { stop: async () => { on = false; await done; } };
}

if (!process.env.K2_CHILD) await main();
