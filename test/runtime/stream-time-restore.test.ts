/**
 * Kafka's StreamTask keeps each input partition's time in the metadata of its committed offset
 * (TopicPartitionMetadata) and gives it back on task initialization (initializeTaskTime): stream time does not start
 * over after a restart. On the built-in log: the app stops after stream time reached 50 s, a late record (20 s) comes
 * after the restart, and the processor's currentStreamTimeMs() (in init() too: Kafka restores the time before the
 * processors initialize), the timestamp extractor's partition time and the stream-time punctuation all see 50 s. Metadata that is not Kafka Streams' (a plain consumer's string) is logged
 * once and ignored: the partition starts with an unknown time, as in Kafka.
 * The DSL's windowed aggregates do not read the task's stream time: in Kafka Streams 4.4 each keeps its own observed
 * stream time (AbstractKStreamTimeWindowAggregateProcessor.observedStreamTime, -1 when the processor is created), so
 * after a restart a record later than grace for the time before the stop is counted, in Kafka as here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app/start.ts';
import { defineApp, LogStore, serdes, TimeWindows, type DroppedRecord, type Processor } from '../../src/index.ts';
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

describe('windowed aggregates keep their own observed stream time (Kafka Streams 4.4)', () => {
  it('a record late for the stream time before the stop is dropped in that run, counted after a restart', async () => {
    const dataDir = tmp();
    const dropped: DroppedRecord[] = [];
    const app = () => defineApp({
      applicationId: 'windowed-restart',
      config: { commitIntervalMs: 50, cacheMaxBytes: 0, onDroppedRecord: (e) => void dropped.push(e) },
      build(b) {
        b.stream('in', { key: serdes.string(), value: serdes.string() }).groupByKey().windowedBy(TimeWindows.of({ size: '10s', grace: '5s' })).count()
          .toStream().to('out', { key: serdes.windowed(serdes.string(), { windowSize: 10_000 }), value: serdes.int64() });
      },
    });
    const outputs = async () => {
      const log = await LogStore.open(dataDir);
      try {
        return (await log.read({ topic: 'out', partition: 0 }, 0, 100)).records.map((r) => `${r.timestamp}:${Buffer.from(r.value!).readBigInt64BE()}`);
      } finally {
        await log.close();
      }
    };
    const run = async (records: number[], outs: number) => {
      const log = await LogStore.open(dataDir);
      await log.admin.createTopic('in', { partitions: 1, retentionMs: -1 }).catch(() => undefined);
      await log.admin.createTopic('out', { partitions: 1, retentionMs: -1 }).catch(() => undefined);
      await log.producer().sendBatch(records.map((ts) => ({ topic: 'in', key: 'k', value: 'v', timestamp: ts })));
      await log.close();
      const running = await app().start({ dataDir });
      const end = Date.now() + 15_000;
      while ((running.metrics() as { processed: number }).processed < records.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await running.close();
      expect(await outputs()).toHaveLength(outs);
    };
    // stream time 50 s, grace 5 s: the window [20 s, 30 s) closed at 35 s, so 21 s is dropped
    await run([10_000, 50_000, 21_000], 2);
    expect(dropped.map((d) => [d.reason, d.timestamp])).toEqual([['late', 21_000]]);
    // after the restart the aggregate's observed time starts over (the task's stream time is 50 s again)
    await run([22_000], 3);
    expect(await outputs()).toEqual(['10000:1', '50000:1', '22000:1']);
    expect(dropped).toHaveLength(1);
  });
});
