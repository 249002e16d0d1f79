import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogStore } from '../../src/log-store/index.ts';
import { text, tmpDir } from './helpers.ts';

const seg = (dir: string, t = 't-0') => path.join(dir, t, '00000000000000000000.log');

async function writeSome(dir: string, batches: string[][], opts = {}): Promise<number[]> {
  const log = await LogStore.open(dir, { maintenanceIntervalMs: 0, serve: false, ...opts });
  await log.admin.createTopic('t', { partitions: 1, ...opts });
  const ends: number[] = [];
  for (const b of batches) {
    await log.producer().sendBatch(b.map((v) => ({ topic: 't', key: v, value: v })));
    ends.push(fs.statSync(seg(dir)).size);
  }
  await log.close();
  return ends;
}

async function readAll(dir: string): Promise<string[]> {
  const log = await LogStore.open(dir, { maintenanceIntervalMs: 0, serve: false });
  try {
    const r = await log.read({ topic: 't', partition: 0 }, 0, 100_000);
    return r.records.map((x) => text(x.value)!);
  } finally { await log.close(); }
}

describe('crash recovery', () => {
  it('truncates a torn tail at every byte of the last batch and keeps every earlier batch', async () => {
    const dir = tmpDir('torn');
    const ends = await writeSome(dir, [['a', 'b'], ['c'], ['d', 'e', 'f']]);
    const full = fs.readFileSync(seg(dir));
    const lastStart = ends[1];
    for (let cut = lastStart; cut < full.length; cut++) {
      fs.writeFileSync(seg(dir), full.subarray(0, cut));
      fs.rmSync(path.join(dir, 't-0', '00000000000000000000.index'), { force: true });
      expect(await readAll(dir)).toEqual(['a', 'b', 'c']);
      expect(fs.statSync(seg(dir)).size).toBe(lastStart);
    }
  });

  it('a corrupt batch followed by valid ones is an error naming the file and byte position', async () => {
    const dir = tmpDir('mid');
    const ends = await writeSome(dir, [['a'], ['b'], ['c']]);
    const buf = fs.readFileSync(seg(dir));
    buf[ends[1] - 2] ^= 0xff; // inside the second batch
    fs.writeFileSync(seg(dir), buf);
    // after a clean close the open trusts the data (Kafka's clean-shutdown marker); the first read checks the batch
    const log = await LogStore.open(dir, { serve: false, maintenanceIntervalMs: 0 });
    await expect(log.read({ topic: 't', partition: 0 }, 0, 100)).rejects.toThrow(/CRC32C mismatch/);
    await log.close();
    // a crash leaves no marker: the open's recovery scan finds it and names file and position
    fs.rmSync(path.join(dir, '.clean-shutdown'));
    await expect(LogStore.open(dir, { serve: false })).rejects.toThrow(new RegExp(`corrupt record batch in .*00000000000000000000\\.log at byte position ${ends[0]}`));
  });

  it('a sealed segment (not scanned at open) is CRC-checked when first read: corruption is an error, not data', async () => {
    const dir = tmpDir('sealed');
    await writeSome(dir, [['aaaa'], ['bbbb'], ['cccc'], ['dddd']], { segmentBytes: 100 });
    const files = fs.readdirSync(path.join(dir, 't-0')).filter((f) => f.endsWith('.log')).sort();
    expect(files.length).toBeGreaterThan(1);
    const first = path.join(dir, 't-0', files[0]);
    const buf = fs.readFileSync(first);
    buf[buf.length - 2] ^= 0xff; // the value of the first segment's last record
    fs.writeFileSync(first, buf);
    const log = await LogStore.open(dir, { maintenanceIntervalMs: 0, serve: false });
    try {
      await expect(log.read({ topic: 't', partition: 0 }, 0, 100)).rejects.toThrow(/corrupt record batch .*CRC32C mismatch/);
    } finally { await log.close(); }
  });

  it('rebuilds missing or stale indexes', async () => {
    const dir = tmpDir('idx');
    await writeSome(dir, [['a'], ['b'], ['c']], { segmentBytes: 100 });
    const files = fs.readdirSync(path.join(dir, 't-0'));
    expect(files.filter((f) => f.endsWith('.log')).length).toBeGreaterThan(1);
    for (const f of files) if (f.endsWith('.index')) fs.writeFileSync(path.join(dir, 't-0', f), Buffer.from([1, 2, 3]));
    expect(await readAll(dir)).toEqual(['a', 'b', 'c']);
    for (const f of files) if (f.endsWith('.index') || f.endsWith('.timeindex')) fs.rmSync(path.join(dir, 't-0', f));
    expect(await readAll(dir)).toEqual(['a', 'b', 'c']);
  });

  it('property: random batches, random crash cut in the tail, never loses an earlier batch nor returns a corrupt record', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
      fc.nat(), fc.integer({ min: 60, max: 400 }),
      async (batches, cutSeed, segmentBytes) => {
        const dir = tmpDir('prop');
        await writeSome(dir, batches, { segmentBytes });
        const segs = fs.readdirSync(path.join(dir, 't-0')).filter((f) => f.endsWith('.log')).sort();
        const last = path.join(dir, 't-0', segs[segs.length - 1]);
        const size = fs.statSync(last).size;
        const cut = size === 0 ? 0 : cutSeed % (size + 1);
        fs.truncateSync(last, cut);
        const got = await readAll(dir);
        const all = batches.flat();
        // what survives is a prefix made of whole batches
        expect(all.slice(0, got.length)).toEqual(got);
        const bounds = [0];
        for (const b of batches) bounds.push(bounds[bounds.length - 1] + b.length);
        expect(bounds).toContain(got.length);
        fs.rmSync(dir, { recursive: true, force: true });
      }), { numRuns: 40 });
  });
});
