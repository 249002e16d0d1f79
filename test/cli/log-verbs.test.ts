import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = path.resolve('bin/streams-run.js');
const node = (args: string[], input?: string) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
  const p = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  p.on('exit', (code) => resolve({ code, stdout, stderr }));
  p.stdin.end(input ?? '');
});

describe('streams-run log verbs', () => {
  it('topics create/list/describe/delete, produce JSON and plain lines, consume with a group', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-cli-'));
    const d = ['--data-dir', dir];
    expect((await node(['topics', 'create', 'orders', '--partitions', '2', ...d])).stdout).toContain('created topic orders');
    expect((await node(['topics', 'list', ...d])).stdout.trim()).toBe('orders');
    const prod = await node(['produce', 'orders', ...d], '{"key":"k1","value":"v1","timestamp":1000,"headers":{"h":"x"}}\nplain line\n');
    expect(prod.stderr).toContain('produced 2 record(s)');
    const c1 = await node(['consume', 'orders', '--group', 'g', '--from-beginning', ...d]);
    const recs = c1.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(recs).toHaveLength(2);
    expect(recs).toContainEqual(expect.objectContaining({ key: 'k1', value: 'v1', timestamp: 1000, headers: { h: 'x' } }));
    expect(recs).toContainEqual(expect.objectContaining({ key: null, value: 'plain line' }));
    // the group committed: nothing new
    expect((await node(['consume', 'orders', '--group', 'g', '--from-beginning', ...d])).stdout).toBe('');
    const desc = await node(['topics', 'describe', 'orders', '--json', ...d]);
    expect(JSON.parse(desc.stdout).partitions.reduce((a: number, p: { endOffset: number }) => a + p.endOffset, 0)).toBe(2);
    const bad = await node(['topics', 'create', '../evil', ...d]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid topic name');
    expect(fs.existsSync(path.join(dir, '..', 'evil-0'))).toBe(false);
    expect((await node(['topics', 'delete', 'orders', ...d])).stdout).toContain('deleted topic orders');
    expect((await node(['topics', 'list', ...d])).stdout).toBe('');
  }, 60_000);

  it('consume --follow prints records as they arrive', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-cli-'));
    await run(process.execPath, [cli, 'topics', 'create', 't', '--data-dir', dir]);
    const follower = spawn(process.execPath, [cli, 'consume', 't', '--follow', '--from-beginning', '--data-dir', dir]);
    let out = '';
    follower.stdout.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 1500));
    const p = spawn(process.execPath, [cli, 'produce', 't', '--data-dir', dir]);
    p.stdin.end('hello\n');
    await new Promise((r) => p.on('exit', r));
    for (let i = 0; i < 100 && !out.includes('hello'); i++) await new Promise((r) => setTimeout(r, 100));
    follower.kill('SIGINT');
    await new Promise((r) => follower.on('exit', r));
    expect(JSON.parse(out.trim()).value).toBe('hello');
  }, 60_000);
});
