/**
 * Interactive queries with numStreamThreads > 1: the stores live in the worker threads, and the HTTP layer asks
 * each thread over its port (keys, ranges, windows, sessions), so a client sees the same answers as with one thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogStore, type RunningApp } from '../../src/index.ts';
import app, { type Click } from './app.ts';

let dataDir: string;
let running: RunningApp;
let base: string;
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

const get = (p: string) => fetch(base + p);
const ndjson = async (p: string) => (await (await get(p)).text()).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: unknown; value: unknown });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-http-threads-'));
  const log = await LogStore.open(dataDir);
  await log.admin.createTopic('clicks', { partitions: 4 });
  const enc = new TextEncoder();
  const clicks: Array<[string, Click, number]> = users.flatMap((u, i) => Array.from({ length: i + 1 }, (_, j) => [u, { user: u, page: j }, T0 + j * 1000] as [string, Click, number]));
  await log.producer().sendBatch(clicks.map(([k, v, ts]) => ({ topic: 'clicks', key: enc.encode(k), value: enc.encode(JSON.stringify(v)), timestamp: ts })));
  await log.close();
  running = await app.start({ dataDir, http: { port: 0 }, numStreamThreads: 2, appModule: new URL('./app.ts', import.meta.url).href });
  base = running.httpUrl!;
  const end = Date.now() + 30_000;
  while ((await ndjson('/stores/clicks-per-user')).length < users.length) {
    if (Date.now() > end) throw new Error('timed out waiting for the counts');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await running?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('HTTP queries with 2 stream threads', () => {
  it('finds each key in whichever thread owns it; a missing key is a 404', async () => {
    for (const [i, u] of users.entries()) {
      const r = await get(`/stores/clicks-per-user/keys/${u}`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ key: u, value: i + 1 });
    }
    expect((await get('/stores/clicks-per-user/keys/nobody')).status).toBe(404);
  });

  it('streams a range over every thread, windows and sessions of a key', async () => {
    const all = await ndjson('/stores/clicks-per-user');
    expect(all.map((r) => [r.key, r.value]).sort()).toEqual(users.map((u, i) => [u, i + 1]).sort());
    const windows = await ndjson(`/stores/clicks-per-minute/keys/frank/windows?from=0&to=${Date.now()}`);
    expect(windows.reduce((n, r) => n + (r.value as number), 0)).toBe(6);
    const sessions = await ndjson('/stores/click-sessions/keys/erin/sessions');
    expect(sessions.reduce((n, r) => n + (r.value as number), 0)).toBe(5);
  });
});
