import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogStore, LogStoreError } from '../../src/index.ts';
import { lineReader } from '../../src/log-store/remote/wire.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'trib-big-'));

describe('big records', () => {
  it('the socket\'s line reader is linear and keeps UTF-8 split across chunks', () => {
    const lines: string[] = [];
    const read = lineReader((l) => lines.push(l));
    const bytes = Buffer.from('héllo\nwörld€\n\npartial', 'utf8');
    for (let i = 0; i < bytes.length; i++) read(bytes.subarray(i, i + 1)); // one byte at a time
    read(Buffer.from(' end\n'));
    expect(lines).toEqual(['héllo', 'wörld€', 'partial end']);

    const big = Buffer.alloc((64 << 20) + 1, 'x');
    big[big.length - 1] = 10;
    let got = 0;
    const r = lineReader((l) => (got = l.length));
    const t0 = performance.now();
    for (let i = 0; i < big.length; i += 65536) r(big.subarray(i, i + 65536));
    expect(got).toBe(64 << 20);
    expect(performance.now() - t0).toBeLessThan(10_000); // re-joining the line per chunk took over a minute
  });

  it('a record larger than maxMessageBytes (1 MiB + 12 by default) is refused with an error naming the limit; nothing of the send is written', async () => {
    const log = await LogStore.open(tmp(), { serve: false, maintenanceIntervalMs: 0 });
    try {
      await log.admin.createTopic('t', { partitions: 1 });
      const p = log.producer();
      const err = await p.sendBatch([{ topic: 't', value: 'small' }, { topic: 't', key: 'k', value: Buffer.alloc(1 << 20) }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogStoreError);
      expect((err as LogStoreError).code).toBe('RECORD_TOO_LARGE');
      expect((err as Error).message).toMatch(/a record of 10486\d\d bytes \(as a record batch\) for topic 't' partition 0 is larger than the topic's maxMessageBytes 1048588 \(Kafka's max.message.bytes/);
      expect((await log.offsets({ topic: 't', partition: 0 })).end).toBe(0);
      // exactly at the limit passes (61-byte batch header + 3-byte length + 8 bytes of record fields + the value)
      await p.send({ topic: 't', value: Buffer.alloc(1048588 - 72) });
      await expect(p.send({ topic: 't', value: Buffer.alloc(1048588 - 71) })).rejects.toThrow(/1048589 bytes/);
      // many small records in one send are cut into batches within the limit
      const many = Array.from({ length: 3000 }, (_, i) => ({ topic: 't', value: Buffer.alloc(1000, i % 256) }));
      await p.sendBatch(many);
      expect((await log.offsets({ topic: 't', partition: 0 })).end).toBe(3001);
      await log.admin.createTopic('big', { maxMessageBytes: 4 << 20 });
      await p.send({ topic: 'big', value: Buffer.alloc(3 << 20) });
      expect((await log.admin.describeTopic('big')).config.maxMessageBytes).toBe(4 << 20);
    } finally {
      await log.close();
    }
  }, 60_000);

  it('a 48 MB record goes through the owner\'s socket and back in seconds', async () => {
    const dir = tmp();
    const owner = await LogStore.open(dir, { maintenanceIntervalMs: 0 });
    const client = await LogStore.connect(dir);
    try {
      await owner.admin.createTopic('big', { maxMessageBytes: 64 << 20 });
      const value = Buffer.alloc(48 << 20);
      for (let i = 0; i < value.length; i += 4096) value[i] = i & 0xff;
      const t0 = performance.now();
      await client.producer().send({ topic: 'big', key: 'k', value });
      const produced = performance.now() - t0;
      const c = client.consumer({ autoOffsetReset: 'earliest' });
      c.subscribe(['big']);
      let recs = await c.poll({ timeoutMs: 5000 });
      for (let i = 0; i < 20 && recs.length === 0; i++) recs = await c.poll({ timeoutMs: 1000 });
      const total = performance.now() - t0;
      expect(recs).toHaveLength(1);
      expect(Buffer.from(recs[0].value!).equals(value)).toBe(true);
      await c.close();
      expect(produced).toBeLessThan(20_000); // 32 MB took 18.6 s and 64 MB 78 s before
      expect(total).toBeLessThan(40_000);
    } finally {
      await client.close();
      await owner.close();
    }
  }, 120_000);
});
