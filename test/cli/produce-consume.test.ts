import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, jsonLines, tmpDir } from './cli-helpers.ts';

describe('produce: the envelope rule (API.md section 6)', () => {
  it('a bad envelope line is an error naming the line and nothing is written; --skip-bad goes on with a warning', async () => {
    const dir = tmpDir();
    const d = ['--data-dir', dir];
    expect((await cli(['topics', 'create', 't', ...d])).code).toBe(0);
    const input = 'first\n{"key":"k","value":"v"}\n{"key":"k2","value":\n{"user":"a"}\nlast\n';
    const bad = await cli(['produce', 't', ...d], input);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 3: a line starting with \'{\' is an envelope');
    expect(bad.stderr).toContain('nothing was written');
    expect(bad.stderr.match(/line 3/g)).toHaveLength(1); // printed once
    expect((await cli(['consume', 't', '--from-beginning', ...d])).stdout).toBe('');

    const skip = await cli(['produce', 't', '--skip-bad', ...d], input);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toContain('skipped line 3:');
    expect(skip.stderr).toContain('skipped line 4: unknown field(s) "user"');
    expect(skip.stderr).toContain('produced 3 record(s) to t');
    const recs = jsonLines((await cli(['consume', 't', '--from-beginning', ...d])).stdout);
    expect(recs.map((r) => [r.key, r.value])).toEqual([[null, 'first'], ['k', 'v'], [null, 'last']]);
  }, 120_000);

  it('formats feed every serde; consume prints int64 beyond 2^53 exactly, windowed/session keys, and a placeholder per undecodable record', async () => {
    const dir = tmpDir();
    const d = ['--data-dir', dir];
    const lines = [
      '{"key":{"key":"a","window":{"start":60000,"end":120000}},"value":"9223372036854775807","timestamp":1}',
      '{"key":{"key":"b","window":{"start":0,"end":5}},"value":42}',
      '-7',
    ];
    const p = await cli(['produce', 'n', '--create-topics', '--key-format', 'session:string', '--value-format', 'int64', ...d], lines.join('\n'));
    expect(p.stderr).toContain('created topic n with 1 partition(s)');
    expect(p.code).toBe(0);
    const c = await cli(['consume', 'n', '--from-beginning', '--key-format', 'session:string', '--value-format', 'int64', ...d]);
    expect(c.stdout).toContain('"key":{"key":"a","window":{"start":60000,"end":120000}},"value":9223372036854775807,');
    expect(jsonLines(c.stdout).map((r) => r.value).slice(1)).toEqual([42, -7]); // the first one: exact in the raw line above

    await cli(['produce', 'j', '--create-topics', ...d], '{"value":{"ok":1}}\nnot json\n{"value":[2]}\n');
    const j = await cli(['consume', 'j', '--from-beginning', '--value-format', 'json', ...d]);
    expect(j.code).toBe(0);
    const recs = jsonLines(j.stdout);
    expect(recs).toHaveLength(3);
    expect(recs[0].value).toEqual({ ok: 1 });
    expect(recs[1].value).toMatch(/^<undecodable value at j-0 offset 1: the value \(8 bytes\) is not json: /);
    expect(recs[2].value).toEqual([2]);
    expect(j.stderr).toContain('j-0 offset 1');
    expect(j.stderr).toContain('1 key(s)/value(s) did not decode');

    const w = await cli(['produce', 'w', '--create-topics', '--key-format', 'windowed:int32', '--value-format', 'float64', ...d], '{"key":{"key":3,"window":{"start":1000}},"value":2.5}\n');
    expect(w.code).toBe(0);
    const wc = await cli(['consume', 'w', '--from-beginning', '--key-format', 'windowed:int32', '--value-format', 'float64', ...d]);
    expect(jsonLines(wc.stdout)[0]).toMatchObject({ key: { key: 3, window: { start: 1000 } }, value: 2.5 });
    const bad = await cli(['consume', 'w', '--value-format', 'windowed:string', ...d]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown value format 'windowed:string'");
  }, 120_000);
});

describe('produce: records already past retention', () => {
  it('warns, naming the timestamp and the topic\'s retention', async () => {
    const dir = tmpDir();
    const r = await cli(['produce', 'old', '--create-topics', '--data-dir', dir], '{"value":"x","timestamp":1000}\n{"value":"y","timestamp":2000}\n');
    expect(r.code).toBe(0);
    expect(r.stderr.match(/TributaryWarning/g)).toHaveLength(1);
    expect(r.stderr).toContain("timestamp 1000 (1970-01-01T00:00:01.000Z) was appended to topic 'old', whose retentionMs is 604800000 (7 d)");
  }, 60_000);
});

describe('typos have no side effects', () => {
  it('consume/produce of a missing data dir or topic create nothing; produce --create-topics --partitions creates', async () => {
    const parent = tmpDir();
    const missing = path.join(parent, 'nope-dir');
    const c = await cli(['consume', 'nope', '--data-dir', missing]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`no data dir at ${missing}`);
    expect(fs.existsSync(missing)).toBe(false);
    expect((await cli(['produce', 'nope', '--data-dir', missing], 'x\n')).code).toBe(1);
    expect(fs.existsSync(missing)).toBe(false);

    const dir = tmpDir();
    const d = ['--data-dir', dir];
    await cli(['topics', 'create', 'orders', ...d]);
    const c2 = await cli(['consume', 'ordres', '--group', 'g', ...d]);
    expect(c2.code).toBe(1);
    expect(c2.stderr).toContain("topic 'ordres' does not exist");
    expect(c2.stderr).toContain('(topics: orders)');
    const p = await cli(['produce', 'ordres', ...d], 'x\n');
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('--create-topics');
    expect((await cli(['topics', 'list', ...d])).stdout.trim()).toBe('orders');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('ordres'))).toEqual([]);

    const ok = await cli(['produce', 'ordres', '--create-topics', '--partitions', '3', ...d], 'x\n');
    expect(ok.code).toBe(0);
    expect(JSON.parse((await cli(['topics', 'describe', 'ordres', '--json', ...d])).stdout).partitions).toHaveLength(3);
  }, 120_000);
});
