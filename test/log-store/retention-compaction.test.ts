import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogStore } from '../../src/log-store/index.ts';
import { text, tmpDir } from './helpers.ts';

describe('retention', () => {
  it('deletes whole expired segments by time and keeps offsets', async () => {
    const log = await LogStore.open(tmpDir('ret'), { maintenanceIntervalMs: 0, serve: false });
    await log.admin.createTopic('t', { retentionMs: 60_000, segmentBytes: 200 });
    const old = Date.now() - 120_000;
    const p = log.producer();
    for (let i = 0; i < 10; i++) await p.send({ topic: 't', value: `old${i}`, timestamp: old });
    for (let i = 0; i < 3; i++) await p.send({ topic: 't', value: `new${i}` });
    await log.maintenance();
    const d = (await log.admin.describeTopic('t')).partitions[0];
    expect(d.startOffset).toBe(10);
    expect(d.endOffset).toBe(13);
    const r = await log.read({ topic: 't', partition: 0 }, 0, 100);
    expect(r.records.map((x) => text(x.value))).toEqual(['new0', 'new1', 'new2']);
    await log.close();
  });

  it('deletes the oldest segments over retentionBytes', async () => {
    const log = await LogStore.open(tmpDir('retb'), { maintenanceIntervalMs: 0, serve: false });
    await log.admin.createTopic('t', { retentionBytes: 500, segmentBytes: 200 });
    const p = log.producer();
    for (let i = 0; i < 40; i++) await p.send({ topic: 't', value: `v${i}` });
    await log.maintenance();
    const d = (await log.admin.describeTopic('t')).partitions[0];
    expect(d.bytes).toBeLessThanOrEqual(500 + 200);
    expect(d.startOffset).toBeGreaterThan(0);
    expect(d.endOffset).toBe(40);
    await log.close();
  });
});

describe('compaction', () => {
  it('property: keeps the latest value per key, offsets unchanged, tombstones dropped after deleteRetentionMs', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.option(fc.string({ maxLength: 20 }), { freq: 5 })), { minLength: 1, maxLength: 80 }),
      async (ops) => {
        const log = await LogStore.open(tmpDir('cmp'), { maintenanceIntervalMs: 0, serve: false });
        await log.admin.createTopic('c', { cleanupPolicy: 'compact', segmentBytes: 150, deleteRetentionMs: 0 });
        const p = log.producer();
        const ts = Date.now() - 1000;
        for (const [k, v] of ops) await p.send({ topic: 'c', key: `k${k}`, value: v, timestamp: ts });
        const before = (await log.read({ topic: 'c', partition: 0 }, 0, 1000)).records;
        await log.maintenance();
        const after = (await log.read({ topic: 'c', partition: 0 }, 0, 1000)).records;
        const activeBase = (await log.admin.describeTopic('c')).partitions[0];
        // the latest record of every key is still there, at its offset
        const latest = new Map<string, (typeof before)[number]>();
        for (const r of before) latest.set(text(r.key)!, r);
        const afterOffsets = new Set(after.map((r) => r.offset));
        for (const r of latest.values()) if (r.value !== null) expect(afterOffsets.has(r.offset)).toBe(true);
        // every surviving record is byte-identical to the one at that offset before
        const byOffset = new Map(before.map((r) => [r.offset, r]));
        for (const r of after) {
          const b = byOffset.get(r.offset)!;
          expect(text(r.key)).toBe(text(b.key));
          expect(text(r.value)).toBe(text(b.value));
        }
        // offsets stay increasing; end offset unchanged
        expect(after.map((r) => r.offset)).toEqual([...after.map((r) => r.offset)].sort((a, b) => a - b));
        expect(activeBase.endOffset).toBe(ops.length);
        await log.close();
      }), { numRuns: 25 });
  });
});
