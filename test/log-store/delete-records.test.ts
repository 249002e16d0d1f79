import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';

describe('admin.deleteRecords (whole segments)', () => {
  it('drops closed segments entirely below the offset, keeps the rest and the offsets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-del-'));
    const log = await LogStore.open(dir, { maintenanceIntervalMs: 0 });
    try {
      await log.admin.createTopic('r', { partitions: 1, segmentBytes: 1024 });
      const p = log.producer();
      for (let i = 0; i < 50; i++) await p.send({ topic: 'r', key: `k${i}`, value: 'x'.repeat(100) });
      const before = (await log.admin.describeTopic('r')).partitions[0];
      expect(before.segments).toBeGreaterThan(3);
      const deleted = await log.admin.deleteRecords([{ topic: 'r', partition: 0, offset: 30 }]);
      expect(deleted).toBeGreaterThan(0);
      const after = (await log.admin.describeTopic('r')).partitions[0];
      expect(after.startOffset).toBeGreaterThan(0);
      expect(after.startOffset).toBeLessThanOrEqual(30);
      expect(after.endOffset).toBe(50);
      const { records } = await log.read({ topic: 'r', partition: 0 }, 30, 100);
      expect(records[0].offset).toBe(30);
      expect(records).toHaveLength(20);
    } finally {
      await log.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
