import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/index.ts';

describe('a record appended already past its topic\'s retention', () => {
  const seen: Error[] = [];
  const onWarning = (w: Error) => { if ((w as Error & { code?: string }).code === 'TRIBUTARY_PAST_RETENTION') seen.push(w); };
  afterEach(() => { process.off('warning', onWarning); seen.length = 0; });

  it('warns once per topic, naming the topic, the timestamp and the retention', async () => {
    process.on('warning', onWarning);
    const log = await LogStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'trib-ret-')), { serve: false, maintenanceIntervalMs: 0 });
    try {
      await log.admin.createTopic('out');
      await log.admin.createTopic('compacted', { cleanupPolicy: 'compact' });
      await log.admin.createTopic('forever', { retentionMs: -1 });
      const p = log.producer();
      await p.send({ topic: 'out', key: 'a', value: '1', timestamp: Date.now() });
      await p.send({ topic: 'forever', key: 'a', value: '1', timestamp: 1000 });
      await p.send({ topic: 'compacted', key: 'a', value: '1', timestamp: 1000 });
      expect(seen).toHaveLength(0);
      await p.sendBatch([{ topic: 'out', key: 'a', value: '1', timestamp: 1000 }, { topic: 'out', key: 'b', value: '2', timestamp: 2000 }]);
      await p.send({ topic: 'out', key: 'c', value: '3', timestamp: 3000 });
      await new Promise((r) => setImmediate(r)); // 'warning' is emitted on the next tick
      expect(seen).toHaveLength(1);
      expect(seen[0].name).toBe('TributaryWarning');
      expect(seen[0].message).toContain("timestamp 1000 (1970-01-01T00:00:01.000Z) was appended to topic 'out', whose retentionMs is 604800000 (7 d)");
    } finally {
      await log.close();
    }
  });
});
