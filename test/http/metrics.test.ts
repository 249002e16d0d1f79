/**
 * /metrics: Kafka Streams' metrics in Prometheus naming through prom-client, parsed here and checked by
 * Debian's `promtool check metrics` (scripts/install-test-tools.sh installs it; CI runs that script).
 * With two stream threads (worker_threads) both report into the main thread's registry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore, type RunningApp } from '../../src/index.ts';
import app from './app.ts';
import { parseProm, promtoolCheck, type PromSample } from './prom.ts';

// an hour ago, on a minute boundary: recent enough for the log's 7-day retention
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
const dirs: string[] = [];
const apps: RunningApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function seeded(records: Array<[string, number, number]>, partitions = 2): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-metrics-'));
  dirs.push(dir);
  const log = await LogStore.open(dir);
  await log.admin.createTopic('clicks', { partitions });
  const enc = new TextEncoder();
  await log.producer().sendBatch(records.map(([user, page, ts]) => ({ topic: 'clicks', key: enc.encode(user), value: enc.encode(JSON.stringify({ user, page })), timestamp: ts })));
  await log.close();
  return dir;
}

async function scrape(base: string): Promise<{ text: string; samples: PromSample[]; types: Map<string, string> }> {
  const r = await fetch(base + '/metrics');
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toContain('text/plain');
  const text = await r.text();
  return { text, ...parseProm(text) };
}

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sum = (s: PromSample[], name: string, f: (l: Record<string, string>) => boolean = () => true) =>
  s.filter((x) => x.name === name && f(x.labels)).reduce((n, x) => n + x.value, 0);

describe('/metrics', () => {
  it('exposes process, lag, commit, restore, dropped, ratio, cache and store metrics that promtool accepts', async () => {
    // alice's last click is late for its one-minute window (grace 0): the window store drops it
    const dataDir = await seeded([['alice', 1, T0], ['bob', 2, T0 + 1000], ['alice', 2, T0 + 70_000], ['carol', 1, T0 + 200_000], ['alice', 3, T0 + 5000]]);
    const running = await app.start({ dataDir, http: { port: 0 } });
    apps.push(running);
    let m = await scrape(running.httpUrl!);
    await until(async () => {
      m = await scrape(running.httpUrl!);
      return sum(m.samples, 'tributary_dropped_records_total') > 0 && sum(m.samples, 'tributary_commit_latency_seconds_count') > 0;
    });
    const { samples, types, text } = m;
    // per processor node, thread and task: every source node saw the 5 records of its partitions
    const sources = samples.filter((s) => s.name === 'tributary_process_total' && s.labels.processor === 'KSTREAM-SOURCE-0000000000');
    expect(sources.map((s) => s.labels.task).sort()).toEqual(['0_0', '0_1']);
    expect(sources.every((s) => s.labels.thread.length > 0)).toBe(true);
    expect(sources.reduce((n, s) => n + s.value, 0)).toBe(5);
    expect(types.get('tributary_process_total')).toBe('counter');
    expect(samples.filter((s) => s.name === 'tributary_records_lag' && s.labels.topic === 'clicks').map((s) => [s.labels.partition, s.value]).sort()).toEqual([['0', 0], ['1', 0]]);
    expect(types.get('tributary_commit_latency_seconds')).toBe('histogram');
    const dropped = samples.filter((s) => s.name === 'tributary_dropped_records_total' && s.value > 0);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((s) => s.labels.reason.length > 0 && s.labels.processor.length > 0)).toBe(true);
    for (const n of ['tributary_restore_remaining_records', 'tributary_restore_rate', 'tributary_restore_total']) {
      expect(samples.filter((s) => s.name === n).map((s) => s.labels.store)).toContain('clicks-per-user');
    }
    for (const r of ['poll', 'process', 'punctuate', 'commit']) {
      const v = samples.find((s) => s.name === `tributary_${r}_ratio`);
      expect(v, r).toBeDefined();
      expect(v!.value).toBeGreaterThanOrEqual(0);
      expect(v!.value).toBeLessThanOrEqual(1);
    }
    expect(samples.some((s) => s.name === 'tributary_process_rate')).toBe(true);
    const hit = samples.find((s) => s.name === 'tributary_cache_hit_ratio');
    expect(hit && hit.value >= 0 && hit.value <= 1).toBe(true);
    expect(sum(samples, 'tributary_store_entries', (l) => l.store === 'clicks-per-user')).toBe(3);
    expect(sum(samples, 'tributary_store_size_bytes', (l) => l.store === 'clicks-per-user')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
  });

  it('reports restore progress of a rebuilt store', async () => {
    const dataDir = await seeded(Array.from({ length: 300 }, (_, i): [string, number, number] => [`u${i}`, i, T0 + i]), 1);
    const first = await app.start({ dataDir, commitIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 1500));
    await first.close();
    fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
    const running = await app.start({ dataDir, http: { port: 0 } });
    apps.push(running);
    const { samples } = await scrape(running.httpUrl!);
    const restored = samples.filter((s) => s.name === 'tributary_restore_total' && s.labels.store === 'clicks-per-user');
    expect(restored).toEqual([{ name: 'tributary_restore_total', labels: { store: 'clicks-per-user', partition: '0' }, value: 300 }]);
    expect(sum(samples, 'tributary_restore_remaining_records')).toBe(0);
  });

  it('collects the metrics of every stream thread into the main registry', async () => {
    const dataDir = await seeded(Array.from({ length: 40 }, (_, i): [string, number, number] => [`u${i % 7}`, i % 3, T0 + i]), 4);
    const running = await app.start({ dataDir, numStreamThreads: 2, http: { port: 0 }, appModule: new URL('./app.ts', import.meta.url).href });
    apps.push(running);
    let samples: PromSample[] = [];
    await until(async () => {
      ({ samples } = await scrape(running.httpUrl!));
      return sum(samples, 'tributary_process_total', (l) => l.processor === 'KSTREAM-SOURCE-0000000000') === 40;
    });
    const threads = new Set(samples.filter((s) => s.name === 'tributary_process_total').map((s) => s.labels.thread));
    expect(threads.size).toBe(2);
    expect(new Set(samples.filter((s) => s.name === 'tributary_process_total').map((s) => s.labels.task)).size).toBeGreaterThanOrEqual(4);
    // the stores live in the worker threads: the HTTP layer asks them over their ports (test/http/threads.test.ts)
    const stores = await fetch(running.httpUrl! + '/stores/clicks-per-user/keys/u1');
    expect(stores.status).toBe(200);
    expect(((await stores.json()) as { key: string }).key).toBe('u1');
  });
});
