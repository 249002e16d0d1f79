/**
 * Binding and bearer-token rules, and /ready before the app is restored: the server starts before the stores
 * restore, so /health answers 200 and /ready 503 until every task runs.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineApp, LogStore, serdes, type RunningApp } from '../../src/index.ts';
import { parseHttpAddress, startHttpServer } from '../../src/http/index.ts';
import app from './app.ts';

const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('--http addresses', () => {
  it('parses port, :port, host:port and [v6]:port, and refuses anything else', () => {
    expect(parseHttpAddress('7070')).toEqual({ port: 7070 });
    expect(parseHttpAddress(':7070')).toEqual({ port: 7070 });
    expect(parseHttpAddress('0.0.0.0:8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseHttpAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseHttpAddress('localhost')).toThrow(/--http expects \[host:\]port/);
    expect(() => parseHttpAddress('1.2.3.4:99999')).toThrow(/--http expects/);
  });
});

describe('HTTP security', () => {
  it('refuses a non-loopback host without httpAuthToken, with a clear error', async () => {
    await expect(startHttpServer({ app, http: { host: '0.0.0.0', port: 0 } })).rejects.toThrow(/http host 0\.0\.0\.0 is not a loopback address.*httpAuthToken/);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-auth-'));
    dirs.push(dataDir);
    await expect(app.start({ dataDir, createTopics: true, http: { host: '0.0.0.0', port: 0 } })).rejects.toThrow(/not a loopback address/);
  });

  it('with a token, answers 401 without "Authorization: Bearer <token>" and serves with it', async () => {
    const s = await startHttpServer({ app, http: { host: '0.0.0.0', port: 0 }, authToken: 's3cret' });
    closers.push(() => s.close());
    const url = s.url.replace('0.0.0.0', '127.0.0.1');
    for (const p of ['/health', '/metrics', '/stores', '/', '/events']) {
      const r = await fetch(url + p);
      expect(r.status, p).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await fetch(url + '/health', { headers: { authorization: 'Bearer wrong!' } })).status).toBe(401);
    expect((await fetch(url + '/health', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    // the live page's EventSource cannot set headers: it passes the token as access_token (RFC 6750 section 2.3)
    expect((await fetch(url + '/health?access_token=s3cret')).status).toBe(200);
  });
});

describe('/ready', () => {
  it('is 503 while the server waits for the app, with /health 200 and queries 503', async () => {
    const s = await startHttpServer({ app, http: { port: 0 } });
    closers.push(() => s.close());
    expect((await fetch(s.url + '/health')).status).toBe(200);
    const r = await fetch(s.url + '/ready');
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ready: false, reason: 'starting: restoring state stores' });
    const q = await fetch(s.url + '/stores/clicks-per-user/keys/a');
    expect(q.status).toBe(503);
  });

  it('turns 200 once a store rebuilt from its changelog is restored', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-ready-'));
    dirs.push(dataDir);
    // a 200k-key changelog and no local state: the store is rebuilt before the task runs
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('clicks', { partitions: 1 });
    await log.admin.createTopic('http-test-clicks-per-user-changelog', { partitions: 1, cleanupPolicy: 'compact' });
    const enc = new TextEncoder();
    const now = Date.now();
    for (let b = 0; b < 20; b++) {
      await log.producer().sendBatch(Array.from({ length: 10_000 }, (_, i) => ({
        topic: 'http-test-clicks-per-user-changelog', key: enc.encode(`user-${String(b * 10_000 + i).padStart(6, '0')}`), value: serdes.int64().serialize(i % 9 + 1), timestamp: now - 1000,
      })));
    }
    await log.close();
    const port = await freePort();
    const seen: number[] = [];
    let done = false;
    const poll = (async () => {
      while (!done) {
        try {
          seen.push((await fetch(`http://127.0.0.1:${port}/ready`)).status);
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const running: RunningApp = await app.start({ dataDir, http: { port } });
    closers.push(() => running.close());
    const after = await fetch(`http://127.0.0.1:${port}/ready`);
    done = true;
    await poll;
    expect(seen[0]).toBe(503);
    expect(after.status).toBe(200);
    const rows = (await (await fetch(`http://127.0.0.1:${port}/stores/clicks-per-user`)).text()).trim().split('\n');
    expect(rows.length).toBe(200_000);
    expect(JSON.parse(rows[123_456])).toEqual({ key: 'user-123456', value: (123_456 % 10_000) % 9 + 1, timestamp: now - 1000 });
  }, 60_000);
});

describe('/health', () => {
  it('turns 503 with the error once processing stopped on a failure', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-health-'));
    dirs.push(dataDir);
    const failing = defineApp({
      applicationId: 'http-failing',
      build(b) {
        b.stream('in', { key: serdes.string(), value: serdes.string() }).mapValues((v) => {
          if (v === 'boom') throw new Error('cannot map boom');
          return v;
        }).to('out');
      },
    });
    const running = await failing.start({ dataDir, createTopics: true, http: { port: 0 }, onLog: () => undefined } as Parameters<typeof failing.start>[0]);
    closers.push(() => running.close());
    expect((await fetch(running.httpUrl + '/health')).status).toBe(200);
    const log = await LogStore.connect(dataDir);
    await log.producer().send({ topic: 'in', key: new TextEncoder().encode('k'), value: new TextEncoder().encode('boom') });
    await log.close();
    const end = Date.now() + 20_000;
    let r = await fetch(running.httpUrl + '/health');
    while (r.status === 200 && Date.now() < end) {
      await new Promise((res) => setTimeout(res, 50));
      r = await fetch(running.httpUrl + '/health');
    }
    expect(r.status).toBe(503);
    const body = (await r.json()) as { status: string; error: string };
    expect(body.status).toBe('DOWN');
    expect(body.error).toContain('cannot map boom');
    expect((await fetch(running.httpUrl + '/ready')).status).toBe(503);
  });
});
