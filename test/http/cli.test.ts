/**
 * `streams-run app.ts --http` as a real child process, asked by `streams-run query` (another process) and curl-like
 * fetches: the query verb prints what the endpoints return, and reports the server's errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, cli } from '../runtime/proc.ts';

let dataDir: string;
let app: AppProcess;
let url: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-http-cli-'));
  app = new AppProcess(['examples/wordcount.ts', '--data-dir', dataDir, '--http', '127.0.0.1:0']);
  await app.waitFor(/http on (http:\/\/127\.0\.0\.1:\d+)/);
  url = /http on (http:\/\/127\.0\.0\.1:\d+)/.exec(app.stderr)![1];
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const r = await fetch(`${url}/stores/word-counts-store/keys/the`);
    if (r.status === 200 && ((await r.json()) as { value: number }).value === 4) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  if (app && app.child.exitCode === null) {
    app.kill('SIGTERM');
    await app.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('streams-run --http and streams-run query', () => {
  it('prints one key as the endpoint returns it', async () => {
    const r = await cli(['query', 'word-counts-store', 'the', '--http', url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ key: 'the', value: 4 });
  });

  it('prints a range as NDJSON lines', async () => {
    const r = await cli(['query', 'word-counts-store', '--from', 's', '--to', 'th~', '--http', url.replace('http://', '')]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: number });
    expect(rows.map((x) => [x.key, x.value])).toEqual([['sea', 2], ['streams', 2], ['the', 4], ['there', 1], ['they', 1]]);
  });

  it('exits non-zero with the server\'s message for a missing key or store, and when nothing listens', async () => {
    const k = await cli(['query', 'word-counts-store', 'zebra', '--http', url]);
    expect(k.code).toBe(1);
    expect(k.stderr).toContain("404 from /stores/word-counts-store/keys/zebra: key zebra not found in store 'word-counts-store'.");
    const s = await cli(['query', 'nope', '--http', url]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("no store 'nope'");
    const down = await cli(['query', 'word-counts-store', 'the', '--http', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('no app is serving there');
  });

  it('stops cleanly on SIGTERM with the server running', async () => {
    app.kill('SIGTERM');
    const done = await app.exited;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('stopped cleanly');
  });
});
