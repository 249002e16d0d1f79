import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfigPairs, redactSecrets } from '../../src/cli/options.ts';
import { CLI, cli, jsonLines, tmpDir } from './cli-helpers.ts';

const version = (JSON.parse(await import('node:fs').then((fs) => fs.readFileSync('package.json', 'utf8'))) as { version: string }).version;

describe('CLI small things', () => {
  it('--config values parse as JSON when they are JSON, else stay strings', () => {
    expect(parseConfigPairs(['processingExceptionHandler={"deadLetterTopic":"dlq"}', 'commitIntervalMs=100', 'x=true', 'y=null', 'name=abc', 'z=1abc', 'e=']))
      .toEqual({ processingExceptionHandler: { deadLetterTopic: 'dlq' }, commitIntervalMs: 100, x: true, y: null, name: 'abc', z: '1abc', e: '' });
    expect(() => parseConfigPairs(['h={"deadLetterTopic":'])).toThrow(/--config h: the value looks like JSON but does not parse/);
    expect(() => parseConfigPairs(['novalue'])).toThrow("--config expects key=value, got 'novalue'.");
  });

  it('--config dotted keys nest (the Kafka security settings), @file reads a TLS PEM, a password stays a string', () => {
    const dir = tmpDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const c = parseConfigPairs(['kafka.ssl=true', `kafka.ssl.ca=@${path.join(dir, 'ca.pem')}`, 'kafka.ssl.rejectUnauthorized=false',
      'kafka.sasl.mechanism=scram-sha-512', 'kafka.sasl.username=007', 'kafka.sasl.password=123456', 'clientId=42']);
    expect(c).toEqual({
      kafka: { ssl: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', rejectUnauthorized: false }, sasl: { mechanism: 'scram-sha-512', username: '007', password: '123456' } },
      clientId: '42',
    });
    expect(redactSecrets(c)).toMatchObject({ kafka: { sasl: { username: '007', password: '***' } } });
    expect(() => parseConfigPairs([`kafka.ssl.ca=@${path.join(dir, 'missing.pem')}`])).toThrow(/--config kafka.ssl.ca=@.*missing.pem: cannot read .*; give the path of a PEM file/);
    expect(() => parseConfigPairs(['kafka..sasl=1'])).toThrow(/empty part in the dotted key/);
  });

  it('--version, help with `streams-run app.ts`, unknown options and bad --threads name themselves', async () => {
    expect((await cli(['--version'])).stdout.trim()).toBe(version);
    const help = await cli([]);
    expect(help.stderr).toContain('Usage: streams-run <app.ts|app.mjs> [options]');
    expect(help.stderr).toContain('streams-run app.ts ');
    const unknown = await cli(['--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const unknownSub = await cli(['consume', 't', '--frm-beginning']);
    expect(unknownSub.stderr).toContain("unknown option '--frm-beginning'");
    for (const bad of ['0', 'abc']) {
      const r = await cli(['test/cli/apps/boom.ts', '--threads', bad, '--data-dir', tmpDir()]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`streams-run: error: --threads must be an integer >= 1, got '${bad}'.`);
    }
  }, 60_000);

  it('--config processingExceptionHandler={"deadLetterTopic":"dlq"} reaches the app; without it the failure is printed once', async () => {
    const dir = tmpDir();
    const d = ['--data-dir', dir];
    expect((await cli(['produce', 'in', '--create-topics', ...d], 'a\nboom\nb\n')).code).toBe(0);
    const app = spawn(process.execPath, [CLI, 'test/cli/apps/boom.ts', '--create-topics', '--config', 'commitIntervalMs=100',
      '--config', 'processingExceptionHandler={"deadLetterTopic":"dlq"}', ...d], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    app.stderr.on('data', (b) => (err += b));
    const exited = new Promise<number | null>((r) => app.on('exit', r));
    let out: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 150 && out.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const c = await cli(['consume', 'out', '--from-beginning', ...d]);
      if (c.code === 0) out = jsonLines(c.stdout);
    }
    expect(out.map((r) => r.value)).toEqual(['"A"', '"B"']); // the default value serde is json
    const dlq = jsonLines((await cli(['consume', 'dlq', '--from-beginning', ...d])).stdout);
    expect(dlq).toHaveLength(1);
    app.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toContain('stopped cleanly');

    const dir2 = tmpDir();
    await cli(['produce', 'in', '--create-topics', '--data-dir', dir2], 'boom\n');
    const failed = await cli(['test/cli/apps/boom.ts', '--create-topics', '--data-dir', dir2]);
    expect(failed.code).toBe(1);
    expect(failed.stderr.match(/cannot process 'boom'/g)).toHaveLength(1);
  }, 120_000);
});
