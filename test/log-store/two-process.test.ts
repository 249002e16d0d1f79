/** One owning process per data dir; a second real process works through the owner's socket. */
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from './helpers.ts';

const run = promisify(execFile);
const cli = path.resolve('bin/streams-run.js');

describe('two processes on one data dir', () => {
  it('the owner holds the lock; the CLI in another process produces, consumes and lists through it', async () => {
    const dir = tmpDir('two');
    const ownerCode = `
      import { LogStore } from ${JSON.stringify(path.resolve('src/log-store/index.ts'))};
      const log = await LogStore.open(${JSON.stringify(dir)});
      await log.admin.createTopic('events', { partitions: 2 });
      const c = log.consumer({ groupId: 'owner', autoOffsetReset: 'earliest' });
      c.subscribe(['events']);
      process.stdout.write('ready\\n');
      let n = 0;
      while (n < 3) n += (await c.poll({ timeoutMs: 200 })).length;
      process.stdout.write('got ' + n + '\\n');
      process.stdin.on('data', async () => { await c.close(); await log.close(); process.exit(0); });
    `;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ownerCode], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const waitFor = (s: string) => new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`owner did not print '${s}': ${out}`)), 20_000);
      const check = () => { if (out.includes(s)) { clearTimeout(t); res(); } };
      owner.stdout.on('data', (d) => { out += d; check(); });
      check();
    });
    try {
      await waitFor('ready');
      // a second owner is refused, naming the holder
      const second = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
        `import { LogStore } from ${JSON.stringify(path.resolve('src/log-store/index.ts'))}; try { await LogStore.open(${JSON.stringify(dir)}); } catch (e) { console.log(e.message); }`]);
      expect(second.stdout).toContain(`owned by process ${owner.pid}`);
      const produce = spawn(process.execPath, [cli, 'produce', 'events', '--data-dir', dir], { stdio: ['pipe', 'inherit', 'inherit'] });
      produce.stdin.end('{"key":"a","value":"1"}\n{"key":"b","value":"2"}\nthree\n');
      await new Promise((res) => produce.on('exit', res));
      await waitFor('got 3');
      const consumed = await run(process.execPath, [cli, 'consume', 'events', '--from-beginning', '--group', 'cli', '--data-dir', dir]);
      expect(consumed.stdout.trim().split('\n').map((l) => JSON.parse(l).value).sort()).toEqual(['1', '2', 'three']);
      const topics = await run(process.execPath, [cli, 'topics', 'list', '--data-dir', dir]);
      expect(topics.stdout.trim()).toBe('events');
    } finally {
      owner.stdin.end('bye\n');
      await new Promise((res) => owner.on('exit', res));
    }
  }, 60_000);
});
