/**
 * The rxjs bridges on the real log and the test driver: producer.sendFrom (order, batches, count, errors),
 * log.observe (from now / beginning, read_committed, a topic created later, unsubscribe releases the consumer,
 * close completes), running.observe on a started app, and TestOutputTopic.observe (queued + later, completes at
 * close, does not consume).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { concat, firstValueFrom, from, interval, lastValueFrom, map, of, range, Subject, take, throwError, toArray, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { defineApp, LogStore, serdes, TopologyTestDriver, type Consumer, type StreamRecord } from '../../src/index.ts';

const dirs: string[] = [];
const logs: LogStore[] = [];
async function openLog(): Promise<LogStore> {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-rx-'));
  dirs.push(d);
  const log = await LogStore.open(d, { serve: false });
  logs.push(log);
  return log;
}
afterEach(async () => {
  for (const l of logs.splice(0)) await l.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readAll(log: LogStore, topic: string, partition = 0): Promise<string[]> {
  const { records } = await log.read({ topic, partition }, 0, 100_000);
  return records.map((r) => text(r.value)!);
}

/** Collects what an Observable emits until `n` values arrived (or it ends). */
function collect<T>(obs: Observable<T>, n: number): { values: T[]; done: Promise<T[]>; unsubscribe(): void } {
  const values: T[] = [];
  let unsub = () => undefined as void;
  const done = new Promise<T[]>((resolve, reject) => {
    const sub = obs.subscribe({
      next: (v) => {
        values.push(v);
        if (values.length === n) resolve(values);
      },
      error: reject,
      complete: () => resolve(values),
    });
    unsub = () => sub.unsubscribe();
  });
  return { values, done, unsubscribe: () => unsub() };
}

describe('producer.sendFrom', () => {
  it('sends every record in order, in batches, and resolves with the count', async () => {
    const log = await openLog();
    await log.admin.createTopic('nums', { partitions: 1 });
    const producer = log.producer();
    const batches: number[] = [];
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = (recs) => {
      batches.push(recs.length);
      return sendBatch(recs);
    };
    const n = await producer.sendFrom(range(0, 2500).pipe(map((i) => ({ topic: 'nums', key: `k${i % 7}`, value: String(i) }))), { batchSize: 1000 });
    expect(n).toBe(2500);
    expect(batches).toEqual([1000, 1000, 500]); // a synchronous source: full batches, the rest at completion
    expect(await readAll(log, 'nums')).toEqual(Array.from({ length: 2500 }, (_, i) => String(i)));
  });

  it('an asynchronous source goes out in linger-sized batches, in order', async () => {
    const log = await openLog();
    const producer = log.producer();
    const n = await producer.sendFrom(interval(1).pipe(take(40), map((i) => ({ topic: 'ticks', value: String(i) }))), { lingerMs: 10 });
    expect(n).toBe(40);
    expect(await readAll(log, 'ticks')).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });

  it("rejects with the Observable's error after sending what came before", async () => {
    const log = await openLog();
    const records = of('a', 'b', 'c').pipe(map((v) => ({ topic: 'letters', value: v })));
    await expect(log.producer().sendFrom(concat(records, throwError(() => new Error('source broke'))))).rejects.toThrow('source broke');
    expect(await readAll(log, 'letters')).toEqual(['a', 'b', 'c']);
  });

  it('a failed send rejects with the count acknowledged so far and unsubscribes the source', async () => {
    const log = await openLog();
    const txn = log.producer({ transactionalId: 'tx-1' }); // sending without beginTransaction() is refused
    const source = new Subject<{ topic: string; value: string }>();
    const sent = txn.sendFrom(source, { lingerMs: 0 });
    source.next({ topic: 't', value: 'x' });
    await expect(sent).rejects.toThrow(/sendFrom: a send failed after 0 record\(s\) were acknowledged.*beginTransaction/);
    expect(source.observed).toBe(false);
  });

  it('an empty Observable resolves with 0', async () => {
    const log = await openLog();
    expect(await log.producer().sendFrom(from([]))).toBe(0);
  });
});

describe('log.observe', () => {
  it("from 'now' (the default): only records appended after the subscription, deserialized, with their position", async () => {
    const log = await openLog();
    await log.admin.createTopic('events', { partitions: 2 });
    await log.producer().sendBatch([{ topic: 'events', key: 'old', value: '"before"', partition: 0 }]);
    const seen = collect(log.observe('events', { key: serdes.string(), value: serdes.json<string>() }), 1);
    // the consumer positions itself asynchronously: send markers until one arrives, then the real records
    let markers = 0;
    while (seen.values.length === 0) {
      await log.producer().send({ topic: 'events', key: 'marker', value: '"m"', partition: 0 });
      markers++;
      await sleep(30);
    }
    seen.unsubscribe();
    const rest = collect(log.observe('events', { key: serdes.string(), value: serdes.json<string>(), from: 'beginning' }), markers + 4); // old + markers + 3
    await log.producer().sendBatch([
      { topic: 'events', key: 'a', value: '"one"', partition: 0 },
      { topic: 'events', key: 'b', value: '"two"', partition: 1 },
      { topic: 'events', key: 'c', value: '"three"', partition: 0 },
    ]);
    expect(seen.values[0]).toMatchObject({ key: 'marker', value: 'm', topic: 'events', partition: 0 });
    expect(seen.values.some((r) => r.key === 'old')).toBe(false);
    const all = await rest.done;
    rest.unsubscribe();
    const p0 = all.filter((r) => r.partition === 0 && r.key !== 'marker').map((r) => r.key);
    expect(p0).toEqual(['old', 'a', 'c']);
    expect(all.filter((r) => r.partition === 1).map((r) => r.key)).toEqual(['b']);
    const offsets = all.filter((r) => r.partition === 0).map((r) => r.offset!);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
  });

  it('reads committed records only: an open transaction is invisible, an aborted one never shows', async () => {
    const log = await openLog();
    await log.admin.createTopic('tx', { partitions: 1 });
    const seen = collect(log.observe('tx', { value: serdes.string(), from: 'beginning' }), 2);
    const p = log.producer({ transactionalId: 'obs-tx' });
    p.beginTransaction();
    await p.send({ topic: 'tx', value: 'aborted' });
    await sleep(150);
    expect(seen.values).toEqual([]);
    await p.abortTransaction();
    p.beginTransaction();
    await p.sendBatch([{ topic: 'tx', value: 'c1' }, { topic: 'tx', value: 'c2' }]);
    await sleep(150);
    expect(seen.values).toEqual([]); // not committed yet
    await p.commitTransaction();
    expect((await seen.done).map((r) => r.value)).toEqual(['c1', 'c2']);
    seen.unsubscribe();
  });

  it('waits for a topic that does not exist yet, then reads it from its start', async () => {
    const log = await openLog();
    const seen = collect(log.observe('later', { value: serdes.string() }), 2);
    await sleep(100);
    await log.producer().sendBatch([{ topic: 'later', value: 'x' }, { topic: 'later', value: 'y' }]);
    expect((await seen.done).map((r) => r.value)).toEqual(['x', 'y']);
    seen.unsubscribe();
  });

  it('unsubscribing closes its consumer; closing the log completes the Observable', async () => {
    const log = await openLog();
    await log.admin.createTopic('t', { partitions: 1 });
    const made: Consumer[] = [];
    const consumer = log.consumer.bind(log);
    log.consumer = (o) => {
      const c = consumer(o);
      made.push(c);
      return c;
    };
    const first = collect(log.observe('t', { from: 'beginning' }), 1);
    await log.producer().send({ topic: 't', value: 'v' });
    await first.done;
    first.unsubscribe();
    expect(made).toHaveLength(1);
    await expect(made[0].poll({ timeoutMs: 0 })).rejects.toThrow(/closed/);

    const second = collect(log.observe('t', { from: 'beginning' }), 99);
    await sleep(100);
    await log.close();
    logs.splice(logs.indexOf(log), 1);
    expect((await second.done).map((r) => text(r.value as Uint8Array))).toEqual(['v']); // completed, no error
  });

  it('a value the serde cannot read errors the Observable with the position', async () => {
    const log = await openLog();
    await log.producer().send({ topic: 'bad', value: 'not json' });
    await expect(firstValueFrom(log.observe('bad', { value: serdes.json(), from: 'beginning' })))
      .rejects.toThrow(/observe\('bad'\): cannot deserialize the record at partition 0, offset 0/);
  });
});

const upper = defineApp({
  applicationId: 'rx-upper',
  config: { commitIntervalMs: 50 },
  build(b) {
    b.stream('words', { key: serdes.string(), value: serdes.string() })
      .mapValues((v) => v.toUpperCase())
      .to('upper', { key: serdes.string(), value: serdes.string() });
  },
});

describe('running.observe', () => {
  it("streams an app's output topic live, and close() completes it", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-rx-app-'));
    dirs.push(dataDir);
    const running = await upper.start({ dataDir, createTopics: true });
    const client = await LogStore.connect(dataDir);
    try {
      // 'upper' does not exist before the first output: the Observable waits for it and reads it from its start
      const out = collect(running.observe('upper', { key: serdes.string(), value: serdes.string() }), 3);
      await client.producer().sendBatch(['a', 'b', 'c'].map((v, i) => ({ topic: 'words', key: `k${i}`, value: v })));
      expect((await out.done).map((r) => [r.key, r.value])).toEqual([['k0', 'A'], ['k1', 'B'], ['k2', 'C']]);
      out.unsubscribe();
      const live = collect(running.observe('upper'), 99);
      await sleep(100);
      await running.close();
      expect(await live.done).toEqual([]); // completed by close(), nothing new since it subscribed
    } finally {
      await client.close();
      await running.close();
    }
  });
});

describe('TestOutputTopic.observe', () => {
  it('emits what is queued and what later pipes produce, completes at driver.close(), and does not consume', async () => {
    const driver = new TopologyTestDriver(upper);
    const input = driver.createInputTopic('words');
    const output = driver.createOutputTopic('upper');
    await input.pipeInput('k1', 'queued');
    const all = lastValueFrom(output.observe().pipe(map((r: StreamRecord<unknown, unknown>) => `${String(r.key)}=${String(r.value)}`), toArray()));
    await input.pipeInput('k2', 'later');
    await input.pipeInput('k3', 'last');
    await driver.close();
    expect(await all).toEqual(['k1=QUEUED', 'k2=LATER', 'k3=LAST']);
    expect(output.readValuesToList()).toEqual(['QUEUED', 'LATER', 'LAST']);
    // subscribing after close: the records still queued (none: read above), then completion at once
    expect(await lastValueFrom(output.observe().pipe(toArray()))).toEqual([]);
  });
});
