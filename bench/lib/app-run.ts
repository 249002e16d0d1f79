/** Helpers for benchmarks that run an app on the built-in log: prefill a topic, run until done, measure. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { App } from '../../src/index.ts';
import type { LogClient } from '../../src/log-client/client.ts';
import { TS_BASE } from './gen.ts';

export interface Filled { records: number; bytes: number }

/** Appends `n` records made by `make(i)` to `topic` in batches of 10k (not timed). */
export async function prefill(log: LogClient, topic: string, n: number, make: (i: number) => { key: Uint8Array | string; value: Uint8Array }): Promise<Filled> {
  const p = log.producer();
  let bytes = 0;
  for (let i = 0; i < n; i += 10_000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      const r = make(j);
      bytes += r.value.length;
      batch.push({ topic, key: r.key, value: r.value, timestamp: TS_BASE + j });
    }
    await p.sendBatch(batch);
  }
  await p.flush();
  return { records: n, bytes };
}

export async function endOffsets(log: LogClient, topic: string): Promise<number> {
  const d = await log.admin.describeTopic(topic);
  let sum = 0;
  for (const p of d.partitions) sum += (await log.offsets({ topic, partition: p.partition })).end;
  return sum;
}

export interface RunResult { seconds: number; cpuSeconds: number; closeSeconds: number }

/**
 * Starts `app` on `dataDir`, waits until `done()` (checked every 10 ms), closes it (final commit: flush stores,
 * send changelog and outputs). Throughput time runs from the end of start() (the loop's first poll) to the end
 * of close(); CPU is user+system of the process over that span.
 */
export async function runApp(app: App, dataDir: string, config: Record<string, unknown>, done: (running: { metrics(): Record<string, unknown> }) => Promise<boolean>, timeoutMs = 600_000): Promise<RunResult> {
  const running = await app.start({ dataDir, onLog: (l: string) => process.stderr.write(l + '\n'), ...config } as never);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (!(await done(running))) {
    if (running.error()) throw running.error();
    if (process.env.BENCH_DEBUG && Math.random() < 0.01) console.error(JSON.stringify(running.metrics()));
    if (performance.now() - t0 > timeoutMs) throw new Error(`benchmark run timed out after ${timeoutMs} ms: ${JSON.stringify(running.metrics())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const t1 = performance.now();
  await running.close();
  const c = process.cpuUsage(c0);
  const t2 = performance.now();
  return { seconds: (t2 - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, closeSeconds: (t2 - t1) / 1000 };
}

export const processed = async (r: { metrics(): Record<string, unknown> }, n: number): Promise<boolean> => (r.metrics().processed as number) >= n;

/** Runs `file` (a bench module URL) as a child process with `env`, returning its last stdout line parsed as JSON. */
export function child<T>(fileUrl: string, env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(fileUrl)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch (e) {
        reject(new Error(`child output is not JSON: ${last}`, { cause: e }));
      }
    });
  });
}
