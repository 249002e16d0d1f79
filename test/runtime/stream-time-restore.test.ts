/**
 * Kafka's StreamTask keeps each input partition's time in the metadata of its committed offset
 * (TopicPartitionMetadata) and gives it back on task initialization (initializeTaskTime): stream time does not start
 * over after a restart. On the built-in log: the app stops after stream time reached 50 s, a late record (20 s) comes
 * after the restart, and the processor's currentStreamTimeMs() (in init() too: Kafka restores the time before the
 * processors initialize), the timestamp extractor's partition time and the stream-time punctuation all see 50 s. Metadata that is not Kafka Streams' (a plain consumer's string) is logged
 * once and ignored: the partition starts with an unknown time, as in Kafka.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app/start.ts';
import { defineApp, LogStore, serdes, type Processor } from '../../src/index.ts';
import { decodePartitionMetadata } from '../../src/runtime/offset-metadata.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-streamtime-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const until = async (f: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const APP_ID = 'stream-time';
const IN = { topic: 'in', partition: 0 };

/** Per record: its timestamp, the extractor's partition time and the task's stream time; stream-time punctuations. */
function timeApp(seen: string[]) {
  return defineApp({
    applicationId: APP_ID,
    config: { commitIntervalMs: 50 },
    build(b) {
      b.stream('in', {
        key: serdes.string(), value: serdes.string(),
        timestampExtractor: (r, partitionTime) => {
          seen.push(`extract ${r.timestamp} partitionTime ${partitionTime}`);
          return r.timestamp;
        },
      }).process<string, string>(() => {
        let ctx!: Parameters<NonNullable<Processor<string, string>['init']>>[0];
        return {
          init(c) {
            ctx = c;
            seen.push(`init streamTime ${ctx.currentStreamTimeMs()}`);
            ctx.schedule(100_000, 'stream-time', (ts) => void seen.push(`punctuate ${ts}`));
          },
          process(r) {
            seen.push(`process ${r.timestamp} streamTime ${ctx.currentStreamTimeMs()}`);
          },
        };
      });
    },
  });
}

async function runOnce(dataDir: string, seen: string[], records: Array<[string, number]>, logLines: string[] = []): Promise<void> {
  const log = await LogStore.open(dataDir);
  await log.producer().sendBatch(records.map(([k, ts]) => ({ topic: 'in', key: k, value: k, timestamp: ts })));
  await log.close();
  const before = seen.filter((s) => s.startsWith('process')).length;
  const running = await startApp(timeApp(seen), { dataDir, onLog: (l) => void logLines.push(l) });
  await until(() => seen.filter((s) => s.startsWith('process')).length >= before + records.length);
  await running.close();
}

async function committed(dataDir: string) {
  const log = await LogStore.open(dataDir);
  try {
    return (await log.consumer({ groupId: APP_ID }).committedOffsets([IN]))[0];
  } finally {
    await log.close();
  }
}

async function freshLog(dataDir: string): Promise<void> {
  const log = await LogStore.open(dataDir);
  await log.admin.createTopic('in', { partitions: 1, retentionMs: -1 });
  await log.close();
}

describe('partition time in the committed offset metadata', () => {
  it('a restart goes on from the committed stream time: a late record sees 50 s, not its own 20 s', async () => {
    const dataDir = tmp();
    await freshLog(dataDir);
    const seen: string[] = [];
    await runOnce(dataDir, seen, [['a', 10_000], ['b', 50_000]]);
    const c = await committed(dataDir);
    expect(c?.offset).toBe(2);
    expect(decodePartitionMetadata(c?.metadata)).toEqual({ partitionTime: 50_000, processor: new Map() });
    expect(seen).toEqual([
      'init streamTime -1', 'extract 10000 partitionTime -1', 'process 10000 streamTime 10000', 'punctuate 10000',
      'extract 50000 partitionTime 10000', 'process 50000 streamTime 50000',
    ]);

    seen.length = 0;
    await runOnce(dataDir, seen, [['late', 20_000], ['c', 60_000]]);
    // Without the restored time: 'streamTime -1' at init, 'partitionTime -1', 'streamTime 20000' and a punctuation
    // at 20000. As in Kafka, the time is restored before the processors initialize.
    expect(seen).toEqual([
      'init streamTime 50000', 'extract 20000 partitionTime 50000', 'process 20000 streamTime 50000', 'punctuate 50000',
      'extract 60000 partitionTime 50000', 'process 60000 streamTime 60000',
    ]);
    expect(decodePartitionMetadata((await committed(dataDir))?.metadata).partitionTime).toBe(60_000);
  });

  it('metadata that is not Kafka Streams\' is logged once and ignored: the partition time starts unknown', async () => {
    const dataDir = tmp();
    await freshLog(dataDir);
    const log = await LogStore.open(dataDir);
    await log.consumer({ groupId: APP_ID }).commit([{ ...IN, offset: 0, metadata: 'written by a plain consumer' }]);
    await log.close();
    const seen: string[] = [];
    const lines: string[] = [];
    await runOnce(dataDir, seen, [['late', 20_000]], lines);
    expect(seen).toEqual(['init streamTime -1', 'extract 20000 partitionTime -1', 'process 20000 streamTime 20000', 'punctuate 20000']);
    const warned = lines.filter((l) => l.includes('offset metadata committed for in-0'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/task 0_0: .*"written by a plain consumer".* not base64; ignored/);
    // the next commit replaces it with ours
    expect(decodePartitionMetadata((await committed(dataDir))?.metadata).partitionTime).toBe(20_000);
  });
});
