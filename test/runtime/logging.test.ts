/**
 * The runtime's logger, restore progress and status line, in-process: JSON lines through pino, level filtering,
 * the text format, the in-place status line on a TTY, restore progress without guessed ETAs, and the user's own
 * line in a processing error raised through the test driver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineApp, LogStore, serdes, TopologyTestDriver } from '../../src/index.ts';
import { startApp } from '../../src/app/start.ts';
import { createLogger, parseFormat, parseLevel, type LogFormat, type LogLevel } from '../../src/runtime/logging/logger.ts';
import { RestoreReporter, formatDuration } from '../../src/runtime/logging/restore-report.ts';
import { StatusReporter } from '../../src/runtime/logging/status.ts';
import { userFrame } from '../../src/runtime/logging/user-frame.ts';
import type { RestoreProgress } from '../../src/runtime/runner/restore.ts';

function capture(level: LogLevel, format: LogFormat, tty = false) {
  const chunks: string[] = [];
  const logger = createLogger({ level, format, stream: { write: (s: string) => chunks.push(s) }, tty });
  return { logger, chunks, text: () => chunks.join('') };
}

describe('logger', () => {
  it('writes one parseable JSON object per line with the level as a label, the message and the fields', () => {
    const { logger, text } = capture('debug', 'json');
    logger.info('hello', { topic: 'orders', partition: 2 });
    logger.error('boom');
    logger.debug('details');
    const lines = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['info', 'hello'], ['error', 'boom'], ['debug', 'details']]);
    expect(lines[0]).toMatchObject({ topic: 'orders', partition: 2, pid: process.pid });
    expect(typeof lines[0].time).toBe('string');
    expect(Number.isNaN(Date.parse(lines[0].time as string))).toBe(false);
  });

  it.each([
    ['error', ['e']],
    ['warn', ['e', 'w']],
    ['info', ['e', 'w', 'i']],
    ['debug', ['e', 'w', 'i', 'd']],
  ] as const)('level %s keeps only that level and the more severe ones', (level, kept) => {
    const { logger, text } = capture(level, 'json');
    logger.error('e');
    logger.warn('w');
    logger.info('i');
    logger.debug('d');
    expect(text().trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(kept);
  });

  it('text format: one line per message, prefixed, without JSON or fields', () => {
    const { logger, text } = capture('info', 'text');
    logger.info('app running', { dataDir: '/x' });
    logger.warn('skipped a record');
    logger.error('stopped');
    logger.debug('hidden');
    expect(text()).toBe('streams-run: app running\nstreams-run: warning: skipped a record\nstreams-run: error: stopped\n');
  });

  it('a status line on a TTY is redrawn in place and stays below log lines', () => {
    const { logger, chunks } = capture('info', 'text', true);
    expect(logger.interactive).toBe(true);
    logger.status('app: in 5 rec/s');
    logger.info('a log line');
    logger.status(null);
    expect(chunks).toEqual(['\r\x1b[2Kapp: in 5 rec/s', '\r\x1b[2Kstreams-run: a log line\napp: in 5 rec/s', '\r\x1b[2K']);
    // not a TTY (or JSON): status() draws nothing
    const plain = capture('info', 'text', false);
    plain.logger.status('x');
    expect(plain.chunks).toEqual([]);
    expect(capture('info', 'json', true).logger.interactive).toBe(false);
  });

  it('rejects unknown levels and formats with the accepted values', () => {
    expect(() => parseLevel('verbose')).toThrow(/error, warn, info, debug/);
    expect(() => parseFormat('xml')).toThrow(/text or json/);
    expect(parseLevel(undefined)).toBe('info');
    expect(parseFormat(undefined)).toBe('text');
  });
});

const progress = (over: Partial<RestoreProgress>): RestoreProgress => ({
  store: 'counts', topic: 'app-counts-changelog', partition: 0, from: 0, restored: 0, total: 1000, recordsPerSec: 0, etaMs: 0, done: false, ...over,
});

describe('restore progress', () => {
  function reporter(tty = false) {
    let now = 1_000_000;
    const c = capture('info', 'text', tty);
    const r = new RestoreReporter(c.logger, () => now);
    return { ...c, r, advance: (ms: number) => (now += ms) };
  }

  it('prints nothing for an empty restore', () => {
    const { r, text } = reporter();
    r.onProgress(progress({ total: 0, done: true }));
    expect(text()).toBe('');
    expect(r.summary()).toBeNull();
  });

  it('a short restore is one line with its real duration, never an ETA guessed before the first record', () => {
    const { r, text, advance } = reporter();
    // the runner's first report: nothing applied yet, its naive ETA would be total / 1 rec/s
    r.onProgress(progress({ restored: 0, total: 200_000, etaMs: 200_000_000 }));
    advance(400);
    r.onProgress(progress({ restored: 200_000, total: 200_000, done: true }));
    expect(text()).toBe('streams-run: restored counts (app-counts-changelog-0) from offset 0: 200,000 records in 400 ms (500,000 rec/s)\n');
  });

  it('a long restore reports progress with an ETA measured from the records applied so far', () => {
    const { r, text, advance } = reporter();
    r.onProgress(progress({ restored: 0, total: 30_000 }));
    advance(1000);
    r.onProgress(progress({ restored: 10_000, total: 30_000 }));
    advance(1000);
    r.onProgress(progress({ restored: 30_000, total: 30_000, done: true }));
    expect(text().split('\n').filter(Boolean)).toEqual([
      'streams-run: restoring counts (app-counts-changelog-0): 33% (10,000/30,000 records), 10,000 rec/s, about 2.0 s left',
      'streams-run: restored counts (app-counts-changelog-0) from offset 0: 30,000 records in 2.0 s (15,000 rec/s)',
    ]);
  });

  it('on a TTY the progress goes to the status line (summary), and the end to the log', () => {
    const { r, text, advance } = reporter(true);
    r.onProgress(progress({ restored: 0, total: 4000 }));
    expect(r.summary()).toBe('restoring counts 0% (0/4,000)');
    advance(2000);
    r.onProgress(progress({ restored: 1000, total: 4000 }));
    expect(text()).toBe('');
    expect(r.summary()).toBe('restoring counts 25% (1,000/4,000) ~6.0 s');
  });

  it("the runner's own progress reports carry no ETA before one can be measured (-1), 0 when done", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-restore-eta-'));
    try {
      const log = await LogStore.open(dataDir);
      await log.admin.createTopic('in', { partitions: 1 });
      await log.producer().sendBatch(Array.from({ length: 300 }, (_, i) => ({ topic: 'in', key: `k${i}`, value: 'v' })));
      await log.close();
      const app = defineApp({
        applicationId: 'eta',
        build(b) {
          b.stream('in', { key: serdes.string(), value: serdes.string() }).groupByKey().count({ storeName: 'n' });
        },
      });
      let running = await startApp(app, { dataDir, commitIntervalMs: 20, onLog: () => undefined });
      for (let i = 0; i < 400 && running.store('n').get('k299') !== 1; i++) await new Promise((r) => setTimeout(r, 25));
      await running.close();
      fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
      const events: RestoreProgress[] = [];
      running = await startApp(app, { dataDir, onRestore: (p) => events.push(p), onLog: () => undefined });
      await running.close();
      expect(events[0]).toMatchObject({ store: 'n', restored: 0, total: 300, etaMs: -1, done: false });
      expect(events.at(-1)).toMatchObject({ store: 'n', restored: 300, total: 300, etaMs: 0, done: true });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('formats durations for people', () => {
    expect([formatDuration(12), formatDuration(1500), formatDuration(45_000), formatDuration(600_000), formatDuration(9_000_000)])
      .toEqual(['12 ms', '1.5 s', '45 s', '10 min', '2.5 h']);
  });
});

describe('status', () => {
  it('logs records/s in and out over the last interval, the total lag and the commits', async () => {
    let now = 0;
    const c = capture('info', 'json');
    const status = new StatusReporter(c.logger, new RestoreReporter(c.logger, () => now), { applicationId: 'app', intervalMs: 1000, now: () => now });
    let processed = 100;
    let produced = 50;
    status.attach({
      metrics: () => ({ processed, produced, commits: 3, lastCommitMs: 2 }),
      lag: async () => ({ 'in-0': 7, 'in-1': 5 }),
    });
    now += 2000;
    processed += 1000;
    produced += 400;
    await status.tick();
    const line = JSON.parse(c.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', event: 'status', inPerSec: 500, outPerSec: 200, lag: 12, commits: 3, processed: 1100, produced: 450 });
    expect(line.msg).toBe('status: in 500 rec/s, out 200 rec/s, lag 12, 3 commits, 1,100 processed');
  });
});

describe('the user\'s own line in errors', () => {
  it('names the first frame outside Tributary and node_modules, relative to the working directory', () => {
    const e = new Error('x');
    e.stack = [
      'TypeError: v.n.toUpperCase is not a function',
      `    at <anonymous> (${process.cwd()}/examples/app.ts:12:34)`,
      `    at Object.process (${process.cwd()}/src/runtime/processors/stateless.ts:24:61)`,
    ].join('\n');
    expect(userFrame(e)).toBe('examples/app.ts:12:34');
    e.stack = `Error: x\n    at Task.call (${process.cwd()}/src/runtime/task.ts:145:22)\n    at run (node:internal/x:1:2)\n    at f (/opt/lib/node_modules/y/index.js:3:4)\n    at file:///srv/app/main.ts:5:6`;
    expect(userFrame(e, '/home/u')).toBe('/srv/app/main.ts:5:6');
    expect(userFrame('not an error')).toBeNull();
  });

  it("a mapValues that throws in the test driver names this file's line", async () => {
    const app = defineApp({
      applicationId: 'frame',
      build(b) {
        b.stream('in', { key: serdes.string(), value: serdes.json<{ n: string }>() })
          .mapValues((v) => v.n.toUpperCase()) // the line the error must name
          .to('out');
      },
    });
    const driver = new TopologyTestDriver(app);
    const input = driver.createInputTopic('in');
    const err = await Promise.resolve(input.pipeInput('k', { m: 1 } as unknown as { n: string })).then(() => null, (e: unknown) => e as Error);
    await driver.close();
    expect(err).not.toBeNull();
    const m = /\(at (test\/runtime\/logging\.test\.ts):(\d+):(\d+)\)/.exec(err!.message);
    expect(m, err!.message).not.toBeNull();
    const lines = (await import('node:fs')).readFileSync('test/runtime/logging.test.ts', 'utf8').split('\n');
    expect(lines[Number(m![2]) - 1]).toContain('.mapValues((v) => v.n.toUpperCase()) // the line the error must name');
  });
});
