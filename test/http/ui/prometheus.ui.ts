/**
 * A real Prometheus (Debian's prometheus package, installed by scripts/install-test-tools.sh) scrapes the
 * running app's /metrics; its query API then answers for tributary_ metrics with the app's labels.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFedWordcount, type Fed } from './feed.ts';

let fed: Fed;
let prom: ChildProcess;
let promLog = '';
let dir: string;
let promUrl: string;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface PromResult { metric: Record<string, string>; value: [number, string] }

async function query(q: string): Promise<PromResult[]> {
  const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as { status: string; data?: { result: PromResult[] } };
  return body.status === 'success' ? body.data!.result : [];
}

async function until<T>(f: () => Promise<T | null>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await f().catch(() => null);
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; prometheus said:\n${promLog.slice(-3000)}`);
}

beforeAll(async () => {
  fed = await startFedWordcount();
  fed.feed();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-prom-'));
  const target = new URL(fed.url).host;
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s',
    'scrape_configs:', '  - job_name: tributary', '    static_configs:', `      - targets: ['${target}']`, '',
  ].join('\n'));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prom = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  prom.on('error', (e) => (promLog += `cannot start prometheus (Debian package prometheus; run scripts/install-test-tools.sh): ${e.message}\n`));
  prom.stdout!.on('data', (d) => (promLog += d));
  prom.stderr!.on('data', (d) => (promLog += d));
});

afterAll(async () => {
  if (prom && prom.exitCode === null) {
    prom.kill('SIGTERM');
    await new Promise((r) => prom.once('exit', r));
  }
  await fed?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a real Prometheus scrape', () => {
  it('scrapes /metrics and answers queries for tributary_ metrics', async () => {
    const up = await until(async () => {
      const r = await query('up{job="tributary"}');
      return r.length && r[0].value[1] === '1' ? r : null;
    }, 'the tributary target to be up');
    expect(up[0].metric.instance).toBe(new URL(fed.url).host);
    const processed = await until(async () => {
      const r = await query('sum(tributary_process_total{processor="KSTREAM-SOURCE-0000000000"})');
      return r.length && Number(r[0].value[1]) > 0 ? r : null;
    }, 'tributary_process_total');
    expect(Number(processed[0].value[1])).toBeGreaterThan(0);
    const lag = await query('tributary_records_lag{topic="text-lines"}');
    expect(lag.map((r) => r.metric.partition).sort()).toEqual(['0', '1']);
    const commits = await until(async () => {
      const r = await query('tributary_commit_latency_seconds_count');
      return r.length && Number(r[0].value[1]) > 0 ? r : null;
    }, 'tributary_commit_latency_seconds_count');
    expect(commits.length).toBe(1);
    // every sample of the exposition was ingested (tributary_, process and nodejs metrics)
    const failures = await query('scrape_samples_post_metric_relabeling{job="tributary"}');
    expect(Number(failures[0].value[1])).toBeGreaterThan(50);
  });
});
