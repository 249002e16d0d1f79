/**
 * What `streams-run` prints, as real child processes (stderr is a pipe, not a TTY): JSON logs that parse line by
 * line, --log-level filtering, the periodic status line, a processing error naming the app's own file:line, and
 * restore messages (one line with the real duration after the state dir is deleted, nothing on a clean restart).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';
import { AppProcess, until } from './proc.ts';

const dirs: string[] = [];
const procs: AppProcess[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-logcli-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const p of procs.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.kill('SIGKILL');
    await p.exited;
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function run(args: string[]): AppProcess {
  const p = new AppProcess(args);
  procs.push(p);
  return p;
}

async function seedWords(dataDir: string, values: string[]): Promise<void> {
  const log = await LogStore.open(dataDir);
  await log.admin.createTopic('words', { partitions: 1 });
  await log.producer().sendBatch(values.map((value, i) => ({ topic: 'words', key: `k${i}`, value })));
  await log.close();
}

const APP_LINE = fs.readFileSync('test/runtime/apps/throwing-map.ts', 'utf8').split('\n').findIndex((l) => l.includes('v.n.toUpperCase()')) + 1;

describe('streams-run logging', () => {
  it('--log-format json: every stderr line is a JSON object; the processing error names the app file:line as a field', async () => {
    const dataDir = tmp();
    await seedWords(dataDir, ['{"n":"a"}', '{"m":1}']);
    const r = await run(['test/runtime/apps/throwing-map.ts', '--data-dir', dataDir, '--log-format', 'json', '--log-level', 'debug']).exited;
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: 'debug', event: 'config', config: { commitIntervalMs: 50 } }); // the app's config, at debug
    expect(lines.find((l) => l.event === 'running')).toMatchObject({ level: 'info', applicationId: 'throwing-map' });
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1); // logged once, not again by the CLI's last-resort handler
    expect(errors[0]).toMatchObject({
      kind: 'processing', topic: 'words', partition: 0, offset: 1, operator: 'KSTREAM-MAPVALUES-0000000001',
      at: expect.stringMatching(new RegExp(`^test/runtime/apps/throwing-map\\.ts:${APP_LINE}:\\d+$`)),
    });
    expect(errors[0].msg).toContain("Cannot read properties of undefined (reading 'toUpperCase')");
  }, 30_000);

  it("text format: the error message points at the app's own line, not only at the TypeError", async () => {
    const dataDir = tmp();
    await seedWords(dataDir, ['{"m":1}']);
    const r = await run(['test/runtime/apps/throwing-map.ts', '--data-dir', dataDir]).exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`streams-run: error: stopped: processing error at topic words, partition 0, offset 0, operator KSTREAM-MAPVALUES-0000000001: .*toUpperCase.* \\(at test/runtime/apps/throwing-map\\.ts:${APP_LINE}:\\d+\\)`));
    expect(r.stderr.match(/processing error at/g)).toHaveLength(1);
  }, 30_000);

  it('--log-level error prints nothing below error: no running line, no status, only the failure', async () => {
    const dataDir = tmp();
    await seedWords(dataDir, ['{"m":1}']);
    const r = await run(['test/runtime/apps/throwing-map.ts', '--data-dir', dataDir, '--log-level', 'error', '--log-format', 'json', '--status-interval', '0.1']).exited;
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: string });
    expect(lines.map((l) => l.level)).toEqual(['error']);
  }, 30_000);

  it('a bad --log-level is refused with the accepted values', async () => {
    const r = await run(['test/runtime/apps/throwing-map.ts', '--data-dir', tmp(), '--log-level', 'loud']).exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--log-level must be one of error, warn, info, debug');
  }, 30_000);

  it('not on a TTY: a plain status log line every --status-interval, with records/s, lag and commits', async () => {
    const dataDir = tmp();
    const app = run(['examples/wordcount.ts', '--data-dir', dataDir, '--status-interval', '0.3', '--config', 'commitIntervalMs=100']);
    await app.waitFor(/status: .*\n(.|\n)*status: .*\n/);
    app.kill('SIGTERM');
    const r = await app.exited;
    expect(r.code).toBe(0);
    const status = r.stderr.split('\n').filter((l) => l.startsWith('streams-run: status: '));
    expect(status.length).toBeGreaterThanOrEqual(2);
    for (const l of status) expect(l).toMatch(/^streams-run: status: in [\d,]+ rec\/s, out [\d,]+ rec\/s, lag \d+, [\d,]+ commits, [\d,]+ processed$/);
    expect(r.stderr).not.toContain('\r'); // no in-place redraw when stderr is not a terminal
  }, 30_000);

  it('restore: one line with the real duration after the state dir is deleted (no ETA), nothing on a clean restart', async () => {
    const dataDir = tmp();
    const first = run(['examples/wordcount.ts', '--data-dir', dataDir, '--status-interval', '0', '--config', 'commitIntervalMs=100']);
    await first.waitFor('running on');
    await until(() => first.stdout.includes('[word-count]'), 20_000, 'word counts printed'); // the store has records
    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    const clean = run(['examples/wordcount.ts', '--data-dir', dataDir, '--status-interval', '0']);
    await clean.waitFor('running on');
    clean.kill('SIGTERM');
    const c = await clean.exited;
    expect(c.stderr).not.toContain('restor');

    fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
    const rebuilt = run(['examples/wordcount.ts', '--data-dir', dataDir, '--status-interval', '0', '--log-format', 'json']);
    await rebuilt.waitFor('running on');
    rebuilt.kill('SIGTERM');
    const r = await rebuilt.exited;
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const restore = lines.filter((l) => typeof l.event === 'string' && (l.event as string).startsWith('restore'));
    expect(restore).toHaveLength(1);
    expect(restore[0]).toMatchObject({ event: 'restore-done', store: 'word-counts-store', from: 0 });
    expect(restore[0].restored).toBe(restore[0].total);
    expect(restore[0].msg).toMatch(/^restored word-counts-store \(wordcount-word-counts-store-changelog-0\) from offset 0: [\d,]+ records in \d+ ms/);
    expect(r.stderr).not.toMatch(/ETA|left/);
  }, 60_000);

  it('on a TTY: the status line is redrawn in place below the log lines and the app\'s own output, and cleared at the end', async () => {
    // a real pseudo-terminal: script(1) (bsdutils, Essential on Debian) runs streams-run on one; timeout sends SIGINT
    const dataDir = tmp();
    const cmd = `timeout --preserve-status -s INT 4 ${JSON.stringify(process.execPath)} bin/streams-run.js examples/wordcount.ts --data-dir ${JSON.stringify(dataDir)} --status-interval 0.2 --config commitIntervalMs=100`;
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const p = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '200' } });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('error', reject);
      p.on('exit', (c) => resolve({ code: c, out }));
    });
    expect(code, out).toBe(0);
    const clear = '\r' + String.fromCharCode(27) + '[2K';
    expect(out).toContain(`${clear}wordcount: in `);
    expect(out.split(clear).some((part) => /^wordcount: in [\d,]+ rec\/s, out [\d,]+ rec\/s, lag \d+, [\d,]+ commits, [\d,]+ processed/.test(part))).toBe(true);
    // what the terminal shows: per line, the text after the last carriage return (a redraw)
    const visible = out.split('\n').map((l) => l.replace(/\r$/, '')).map((l) => l.split(clear).join('\r')).map((l) => l.slice(l.lastIndexOf('\r') + 1));
    expect(visible).toContain('streams-run: wordcount running on ' + dataDir + ' (Ctrl-C to stop)');
    expect(visible.filter((l) => l.startsWith('[word-count]: ')).length).toBeGreaterThan(5); // the app's print() lines stay whole
    expect(visible.some((l) => l.includes('rec/s') && l.includes('[word-count]'))).toBe(false);
    expect(visible.filter((l) => l.startsWith('streams-run: status'))).toEqual([]); // no status log lines on a TTY
    expect(visible).toContain('streams-run: stopping (commit, close stores)...');
    expect(visible.at(-1) === '' ? visible.at(-2) : visible.at(-1)).toBe('streams-run: stopped cleanly.');
  }, 30_000);
});
