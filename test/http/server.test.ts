/**
 * The HTTP endpoints of API.md section 8 against a running app (app.start({ http })) on the built-in log:
 * health and readiness, stores and their kinds, key lookups parsed with the store's key serde (string keys as
 * they are, others as JSON), 404s and 400s with their messages, ranges as NDJSON, window and session fetches,
 * and the bearer token rules.
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
// an hour ago, on a minute boundary: recent enough for the log's 7-day retention
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;

const clicks: Array<[string, Click, number]> = [
  ['alice', { user: 'alice', page: 1 }, T0],
  ['bob', { user: 'bob', page: 2 }, T0 + 1000],
  ['alice', { user: 'alice', page: 2 }, T0 + 2000],
  ['carol', { user: 'carol', page: 1 }, T0 + 61_000],
  ['alice', { user: 'alice', page: 1 }, T0 + 65_000],
];

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const get = (p: string, headers: Record<string, string> = {}) => fetch(base + p, { headers });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-http-'));
  const log = await LogStore.open(dataDir);
  await log.admin.createTopic('clicks', { partitions: 2 });
  const producer = log.producer();
  const enc = new TextEncoder();
  await producer.sendBatch(clicks.map(([k, v, ts]) => ({ topic: 'clicks', key: enc.encode(k), value: enc.encode(JSON.stringify(v)), timestamp: ts })));
  await log.close();
  running = await app.start({ dataDir, http: { port: 0 } });
  base = running.httpUrl!;
  await until(async () => (await get('/stores/clicks-per-user/keys/alice')).status === 200 && (await (await get('/stores/clicks-per-user/keys/alice')).json() as { value: number }).value === 3);
});

afterAll(async () => {
  await running?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('HTTP endpoints (API.md section 8)', () => {
  it('binds 127.0.0.1 by default and answers /health and /ready', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const h = await get('/health');
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'UP' });
    const r = await get('/ready');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ready: true });
  });

  it('lists the stores and their kinds', async () => {
    const r = await get('/stores');
    expect(r.status).toBe(200);
    const { stores } = (await r.json()) as { stores: Array<{ name: string; kind: string }> };
    const kinds = Object.fromEntries(stores.map((s) => [s.name, s.kind]));
    expect(kinds).toMatchObject({
      'clicks-per-user': 'timestampedKeyValue', 'clicks-per-page': 'timestampedKeyValue',
      'clicks-per-minute': 'timestampedWindow', 'click-sessions': 'session',
    });
  });

  it('looks a string key up as it is, with its value and timestamp', async () => {
    const r = await get('/stores/clicks-per-user/keys/alice');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ key: 'alice', value: 3, timestamp: T0 + 65_000 });
    expect(await (await get(`/stores/clicks-per-user/keys/${encodeURIComponent('bob')}`)).json()).toEqual({ key: 'bob', value: 1, timestamp: T0 + 1000 });
  });

  it('parses a non-string key as JSON', async () => {
    await until(async () => (await get('/stores/clicks-per-page/keys/1')).status === 200);
    const r = await get('/stores/clicks-per-page/keys/1');
    expect(await r.json()).toEqual({ key: 1, value: 3, timestamp: T0 + 65_000 });
    expect((await (await get('/stores/clicks-per-page/keys/2')).json() as { value: number }).value).toBe(2);
  });

  it('answers 404 for a missing key or store, and 400 for a key the serde cannot parse', async () => {
    const k = await get('/stores/clicks-per-user/keys/nobody');
    expect(k.status).toBe(404);
    expect(((await k.json()) as { error: string }).error).toContain("key nobody not found in store 'clicks-per-user'");
    const s = await get('/stores/nope/keys/x');
    expect(s.status).toBe(404);
    expect(((await s.json()) as { error: string }).error).toContain("no store 'nope'");
    const bad = await get(`/stores/clicks-per-page/keys/${encodeURIComponent('{not json')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not valid JSON.*URL-encoded JSON/);
    const wrongKind = await get('/stores/click-sessions/keys/alice');
    expect(wrongKind.status).toBe(400);
    expect(((await wrongKind.json()) as { error: string }).error).toContain('/sessions');
  });

  it('streams a range as NDJSON, bounds inclusive as Kafka\'s range', async () => {
    const all = await get('/stores/clicks-per-user');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('application/x-ndjson');
    const rows = (await all.text()).trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: number });
    expect(rows.map((r) => [r.key, r.value]).sort()).toEqual([['alice', 3], ['bob', 1], ['carol', 1]]);
    const some = (await (await get('/stores/clicks-per-user?from=b&to=carol')).text()).trim().split('\n').map((l) => (JSON.parse(l) as { key: string }).key);
    expect(some.sort()).toEqual(['bob', 'carol']);
  });

  it("fetches a key's windows and sessions", async () => {
    const w = await get(`/stores/clicks-per-minute/keys/alice/windows?from=${T0}&to=${T0 + 120_000}`);
    expect(w.status).toBe(200);
    const windows = (await w.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(windows).toEqual([
      { key: 'alice', value: 2, window: { start: T0, end: T0 + 60_000 } },
      { key: 'alice', value: 1, window: { start: T0 + 60_000, end: T0 + 120_000 } },
    ]);
    const s = await get('/stores/click-sessions/keys/alice/sessions');
    const sessions = (await s.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(sessions).toEqual([
      { key: 'alice', value: 2, window: { start: T0, end: T0 + 2000 } },
      { key: 'alice', value: 1, window: { start: T0 + 65_000, end: T0 + 65_000 } },
    ]);
    const badTime = await get('/stores/clicks-per-minute/keys/alice/windows?from=yesterday');
    expect(badTime.status).toBe(400);
  });

  it('serves the live page, its Graphviz bundle from node_modules and the topology as DOT', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("el.src = 'assets/viz.js' + q;");
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const viz = await get('/assets/viz.js');
    expect(viz.status).toBe(200);
    expect((await viz.text()).length).toBeGreaterThan(100_000);
    const topo = (await (await get('/topology')).json()) as { dot: string; stores: unknown[] };
    expect(topo.dot).toContain('digraph topology');
    expect(topo.dot).toContain('"clicks-per-user" [shape=cylinder]');
  });
});
