/**
 * Ranges are streamed: a 1M-row answer is pulled from the store's AsyncIterable only as fast as the client
 * reads (the writer waits for 'drain'), and a client that goes away closes the store iterator.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { respond } from '../../src/http/ndjson.ts';
import type { Row } from '../../src/http/query-router.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function rows(n: number, stats: { pulled: number; closed: boolean }): AsyncIterable<Row> {
  return (async function* () {
    try {
      for (let i = 0; i < n; i++) {
        stats.pulled++;
        yield { key: `key-${i}`, value: i, timestamp: null };
      }
    } finally {
      stats.closed = true;
    }
  })();
}

async function serve(n: number, stats: { pulled: number; closed: boolean }): Promise<string> {
  const s = http.createServer((req, res) => void respond(req, res, { kind: 'many', rows: rows(n, stats) }));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('NDJSON ranges', () => {
  it('pulls a 1M-row range only as fast as a slow client reads, then delivers every row', async () => {
    const stats = { pulled: 0, closed: false };
    const url = await serve(1_000_000, stats);
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get(url, resolve));
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    let lines = 0;
    let tail = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      const parts = (tail + c).split('\n');
      tail = parts.pop()!;
      lines += parts.length;
    });
    await new Promise((r) => res.once('data', r));
    res.pause();
    await sleep(500);
    const whilePaused = stats.pulled;
    await sleep(300);
    // socket buffers hold some rows, but the store iterator waits: nowhere near the whole range
    expect(stats.pulled).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(300_000);
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(lines).toBe(1_000_000);
    expect(tail).toBe('');
    expect(stats.pulled).toBe(1_000_000);
    expect(stats.closed).toBe(true);
  }, 60_000);

  it('closes the store iterator when the client goes away', async () => {
    const stats = { pulled: 0, closed: false };
    const url = await serve(1_000_000, stats);
    const req = http.get(url);
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    await new Promise((r) => res.once('data', r));
    req.destroy();
    const end = Date.now() + 5000;
    while (!stats.closed && Date.now() < end) await sleep(20);
    expect(stats.closed).toBe(true);
    expect(stats.pulled).toBeLessThan(1_000_000);
  });
});
