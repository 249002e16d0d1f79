/**
 * Kafka's task lifecycle: stores restore from their changelogs before processors initialize, so a processor's
 * init() sees the restored state; and the production exception handler decides about records a sink cannot
 * serialize or the log refuses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineApp, LogStore, serdes, TopologyTestDriver, type KeyValueStore, type Serde } from '../../src/index.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-order-'));
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
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Counts per key in a store; init() records what the store held for 'k' when the processor started. */
function countingApp(seenAtInit: Array<number | undefined>) {
  return defineApp({
    applicationId: 'restore-order',
    config: { commitIntervalMs: 50 },
    build(b) {
      b.addStateStore({ name: 'counts', type: 'keyValue', key: serdes.string(), value: serdes.int64() });
      b.stream('in', { key: serdes.string(), value: serdes.string() }).process<string, number>(() => {
        let store!: KeyValueStore<string, number>;
        return {
          init(ctx) {
            store = ctx.getStateStore<KeyValueStore<string, number>>('counts');
            seenAtInit.push(store.get('k'));
          },
          process(r) {
            store.put(r.key, (store.get(r.key) ?? 0) + 1);
          },
        };
      }, { stores: ['counts'] });
    },
  });
}

describe('restore before init', () => {
  it("a processor's init() sees the store restored from its changelog (state dir deleted in between)", async () => {
    const dataDir = tmp();
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('in', { partitions: 1 });
    await log.producer().sendBatch([1, 2, 3].map((i) => ({ topic: 'in', key: 'k', value: `v${i}` })));
    await log.close();
    const seen: Array<number | undefined> = [];
    let running = await countingApp(seen).start({ dataDir });
    await until(() => (running.metrics() as { processed: number }).processed >= 3);
    await running.close();
    fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
    running = await countingApp(seen).start({ dataDir });
    await running.close();
    expect(seen).toEqual([undefined, 3]);
  });
});

/** A value serde that cannot serialize the value 'bad' (as a schema check would refuse it). */
const picky: Serde<string> = {
  serialize(v: string) {
    if (v === 'bad') throw new Error("cannot serialize 'bad'");
    return serdes.string().serialize(v);
  },
  deserialize: (b) => serdes.string().deserialize(b),
};

function pickyDriver(handler: 'fail' | 'continue' | { deadLetterTopic: string }) {
  const b = defineApp({
    applicationId: 'picky',
    config: { productionExceptionHandler: handler },
    build(sb) {
      sb.stream('in', { key: serdes.string(), value: serdes.string() }).to('out', { key: serdes.string(), value: picky });
    },
  });
  return new TopologyTestDriver(b);
}

describe('productionExceptionHandler', () => {
  it("'fail' (the default) stops on a value the sink cannot serialize, naming the config key", async () => {
    const d = pickyDriver('fail');
    const input = d.createInputTopic('in', serdes.string(), serdes.string());
    await input.pipeInput('a', 'good');
    await expect(input.pipeInput('b', 'bad')).rejects.toThrow(/production error at topic in, partition 0, offset 1, operator KSTREAM-SINK-0000000001: cannot serialize 'bad'.*productionExceptionHandler/);
    await d.close().catch(() => undefined);
  });

  it("'continue' drops the record and goes on; a dead-letter topic keeps the input record", async () => {
    const d = pickyDriver('continue');
    const input = d.createInputTopic('in', serdes.string(), serdes.string());
    await input.pipeValueList(['one', 'bad', 'two']);
    expect(d.createOutputTopic('out', serdes.string(), serdes.string()).readValuesToList()).toEqual(['one', 'two']);
    await d.close();
    const dl = pickyDriver({ deadLetterTopic: 'dlq' });
    await dl.createInputTopic('in', serdes.string(), serdes.string()).pipeValueList(['one', 'bad']);
    const dead = dl.createOutputTopic('dlq', serdes.string(), serdes.string()).readRecordsToList();
    expect(dead.map((r) => r.value)).toEqual(['bad']);
    expect(String(dead[0].headers?.['__streams.errors.operator'])).toBe('KSTREAM-SINK-0000000001');
    await dl.close();
  });

  it('records the log refuses (no key on a compacted output topic) go to the handler at runtime', async () => {
    const dataDir = tmp();
    const log = await LogStore.open(dataDir);
    await log.admin.createTopic('in', { partitions: 1 });
    await log.admin.createTopic('compacted-out', { partitions: 1, cleanupPolicy: 'compact' });
    await log.producer().sendBatch([{ topic: 'in', key: 'a', value: '1' }, { topic: 'in', key: null, value: '2' }, { topic: 'in', key: 'c', value: '3' }]);
    await log.close();
    const app = defineApp({
      applicationId: 'refused',
      config: { commitIntervalMs: 50, productionExceptionHandler: 'continue' },
      build(b) {
        b.stream('in', { key: serdes.string(), value: serdes.string() }).to('compacted-out', { key: serdes.string(), value: serdes.string() });
      },
    });
    const lines: string[] = [];
    const running = await app.start({ dataDir, onLog: (l: string) => lines.push(l) } as Parameters<typeof app.start>[0]);
    await until(() => (running.metrics() as { commits: number; processed: number }).processed >= 3 && (running.metrics() as { commits: number }).commits >= 2);
    expect(running.error()).toBeNull();
    await running.close();
    const check = await LogStore.open(dataDir);
    const { records } = await check.read({ topic: 'compacted-out', partition: 0 }, 0, 100);
    expect(records.map((r) => serdes.string().deserialize(r.value))).toEqual(['1', '3']);
    await check.close();
    expect(lines.some((l) => /dropped a record the log refused for topic compacted-out.*every record needs a key.*'continue'/.test(l))).toBe(true);
  });
});
