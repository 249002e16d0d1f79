/**
 * Kafka's own segment dump tool (org.apache.kafka.tools.DumpLogSegments from the 4.4.0 jars; it was
 * kafka.tools.DumpLogSegments before Kafka 4) must read our segments: records, CRCs, markers, indexes.
 * Needs java and mvn; the jars are fetched by scripts/kafka/fetch-jars.sh (called here, idempotent).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogStore } from '../../src/log-store/index.ts';
import { tmpDir } from './helpers.ts';

const jars = process.env.TRIBUTARY_KAFKA_JARS ?? path.join(os.homedir(), '.cache/tributary/kafka-jars');
const script = path.resolve('scripts/kafka/fetch-jars.sh');

function dump(files: string[]): string {
  return execFileSync('java', ['-cp', `${jars}/*`, 'org.apache.kafka.tools.DumpLogSegments', '--deep-iteration', '--print-data-log', '--files', files.join(',')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('Kafka DumpLogSegments reads our segments', () => {
  beforeAll(() => {
    try {
      execFileSync('bash', [script], { stdio: 'pipe', timeout: 280_000 });
    } catch (e) {
      throw new Error(`Kafka's jars are missing and could not be fetched: run scripts/kafka/fetch-jars.sh (needs java >= 17 and mvn). ${(e as Error).message}`);
    }
    if (!fs.existsSync(path.join(jars, 'kafka-tools-4.4.0.jar'))) throw new Error(`no kafka-tools-4.4.0.jar in ${jars}: run scripts/kafka/fetch-jars.sh`);
  }, 300_000);

  it('reports our records, headers, transaction markers and indexes with valid CRCs', async () => {
    const dir = tmpDir('dump');
    const log = await LogStore.open(dir, { maintenanceIntervalMs: 0, serve: false });
    await log.admin.createTopic('orders', { partitions: 1 });
    const p = log.producer();
    await p.sendBatch([
      { topic: 'orders', key: 'user-1', value: 'hello', headers: { trace: 'abc' }, timestamp: 1_700_000_000_000 },
      { topic: 'orders', key: null, value: 'no-key', timestamp: 1_700_000_000_005 },
      { topic: 'orders', key: 'user-2', value: null, timestamp: 1_700_000_000_010 },
    ]);
    const big = 'x'.repeat(5000);
    await p.sendBatch(Array.from({ length: 3 }, (_, i) => ({ topic: 'orders', key: `k${i}`, value: big })));
    const t = log.producer({ transactionalId: 'tx' });
    t.beginTransaction();
    await t.send({ topic: 'orders', key: 'user-3', value: 'committed' });
    await t.commitTransaction();
    await log.close();
    const base = path.join(dir, 'orders-0', '00000000000000000000');
    const out = dump([`${base}.log`, `${base}.index`, `${base}.timeindex`]);
    expect(out).toContain('magic: 2');
    expect(out).not.toContain('isvalid: false');
    expect(out.match(/isvalid: true/g)!.length).toBe(4);
    expect(out).toMatch(/\| offset: 0 CreateTime: 1700000000000 keySize: 6 valueSize: 5 sequence: -1 headerKeys: \[trace\] key: user-1 payload: hello/);
    expect(out).toMatch(/\| offset: 1 CreateTime: 1700000000005 keySize: -1 valueSize: 6 .*payload: no-key/);
    expect(out).toMatch(/\| offset: 2 .*keySize: 6 valueSize: -1/);
    expect(out).toMatch(/isTransactional: true isControl: false/);
    expect(out).toMatch(/endTxnMarker: COMMIT/);
    expect(out).toMatch(/Dumping .*\.index\noffset: \d+ position: 0/);
    expect(out).toMatch(/Dumping .*\.timeindex\ntimestamp: 1700000000010 offset: 2/);
  }, 60_000);
});
