/** StreamsConfig is closed: unknown keys fail tsc, and at runtime --config / app.start() name the typo. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LogStore, type StreamsConfig } from '../../src/index.ts';
import wordcount from '../../examples/wordcount.ts';
import nullKeys from './apps/null-keys.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/streams-run.js', import.meta.url).pathname;
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

describe('StreamsConfig is a closed type', () => {
  it('a misspelt key is a compile error', () => {
    // @ts-expect-error commitIntervalMS is not a config key (commitIntervalMs is)
    const c: StreamsConfig = { commitIntervalMS: 100 };
    expect(c).toBeDefined();
  });

  it('app.start() rejects an unknown key, naming it and the closest known key', async () => {
    const dataDir = tmp('trib-cfg-');
    const start = wordcount.start as (o: Record<string, unknown>) => Promise<unknown>;
    await expect(start({ dataDir, comitIntervalMs: 100 })).rejects.toThrow(/unknown config key 'comitIntervalMs' \(did you mean 'commitIntervalMs'\?\)/);
  });

  it("streams-run --config rejects a typo before anything runs", async () => {
    const dataDir = tmp('trib-cfg-cli-');
    const app = new URL('../../examples/wordcount.ts', import.meta.url).pathname;
    const err = await run(process.execPath, [bin, app, '--data-dir', dataDir, '--config', 'deserialisationExceptionHandler=continue'])
      .then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).not.toBe(0);
    expect(err?.stderr).toMatch(/--config: unknown config key 'deserialisationExceptionHandler' \(did you mean 'deserializationExceptionHandler'\?\)/);
    expect(fs.existsSync(path.join(dataDir, 'text-lines-0'))).toBe(false);
  });
});

describe('app.start() overrides with numStreamThreads > 1', () => {
  const appModule = new URL('./apps/null-keys.ts', import.meta.url).href;

  it('onDroppedRecord reaches the caller from every stream thread', async () => {
    const dataDir = tmp('trib-threads-drop-');
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('events', { partitions: 2 });
    await log.producer().sendBatch([
      { topic: 'events', key: 'a', value: '1', partition: 0 }, { topic: 'events', key: null, value: 'x', partition: 0 },
      { topic: 'events', key: 'b', value: '2', partition: 1 }, { topic: 'events', key: null, value: 'y', partition: 1 },
    ]);
    await log.close();
    const dropped: Array<{ reason: string; partition?: number }> = [];
    const running = await nullKeys.start({ dataDir, numStreamThreads: 2, appModule, onDroppedRecord: (e) => dropped.push(e) });
    try {
      const deadline = Date.now() + 20_000;
      while (dropped.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await running.close();
    }
    expect(dropped.map((d) => [d.reason, d.partition]).sort()).toEqual([['null-key', 0], ['null-key', 1]]);
  });

  it('a function that cannot cross to the threads is a clear error, not silently dropped', async () => {
    const dataDir = tmp('trib-threads-fn-');
    await expect(nullKeys.start({ dataDir, numStreamThreads: 2, appModule, timestampExtractor: (r) => r.timestamp }))
      .rejects.toThrow(/app\.start\(\{ timestampExtractor \}\) with numStreamThreads 2: .*defineApp\(\{ config: \{ \.\.\. \} \}\)/);
  });
});

describe('scale-out settings (API.md section 7)', () => {
  it('resolve with Kafka Streams defaults and reject bad values, naming the key', async () => {
    const { resolveConfig } = await import('../../src/runtime/config.ts');
    const c = resolveConfig('app');
    expect([c.applicationServer, c.numStandbyReplicas, c.sessionTimeoutMs, c.groupProtocol]).toEqual([null, 0, 45_000, null]);
    const d = resolveConfig('app', { applicationServer: 'host-1:8080', numStandbyReplicas: 1, sessionTimeoutMs: 6000, groupProtocol: 'streams' });
    expect([d.applicationServer, d.numStandbyReplicas, d.sessionTimeoutMs, d.groupProtocol]).toEqual(['host-1:8080', 1, 6000, 'streams']);
    expect(() => resolveConfig('app', { applicationServer: 'http://host' })).toThrow(/applicationServer must be 'host:port'/);
    expect(() => resolveConfig('app', { groupProtocol: 'consumer' as 'classic' })).toThrow(/groupProtocol must be 'classic' or 'streams'/);
    expect(() => resolveConfig('app', { numStandbyReplicas: -1 })).toThrow(/numStandbyReplicas must be a non-negative number/);
  });
});
