/** The log as stream threads see it: served on a MessagePort, records packed both ways, fetches prefetched. */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore, type LogClient } from '../../src/log-store/index.ts';
import { logOverPort, serveLogOverPort } from '../../src/log-store/remote/thread-port.ts';
import { packRecords, unpackConsumerRecords, unpackProducerRecords } from '../../src/log-store/remote/packing.ts';
import { text, tmpDir } from './helpers.ts';

const open: LogClient[] = [];
afterEach(async () => {
  for (const l of open.splice(0).reverse()) await l.close();
});

async function ownerAndThread(): Promise<{ owner: LogStore; thread: LogClient }> {
  const dir = tmpDir('port');
  const owner = await LogStore.open(dir, { serve: false });
  const { port1, port2 } = new MessageChannel();
  serveLogOverPort(owner, port1);
  const thread = logOverPort(dir, port2);
  open.push(owner, thread);
  return { owner, thread };
}

describe('packing', () => {
  it('round-trips keys, values, nulls, strings, headers, absent timestamps and partitions', () => {
    const packed = packRecords([
      { topic: 'a', key: 'k1', value: new Uint8Array([1, 2, 3]), timestamp: 5, headers: { h: 'x' } },
      { topic: 'b', key: null, value: null, partition: 2 },
      { topic: 'a', key: new Uint8Array(0), value: 'é' },
    ]);
    const back = unpackProducerRecords(packed);
    expect(back.map((r) => r.topic)).toEqual(['a', 'b', 'a']);
    expect(text(back[0].key as Uint8Array)).toBe('k1');
    expect([...(back[0].value as Uint8Array)]).toEqual([1, 2, 3]);
    expect(back[0].timestamp).toBe(5);
    expect(back[0].headers).toEqual({ h: 'x' });
    expect(back[0].partition).toBeUndefined();
    expect(back[1]).toEqual({ topic: 'b', key: null, value: null, partition: 2 });
    expect((back[2].key as Uint8Array).length).toBe(0);
    expect(text(back[2].value as Uint8Array)).toBe('é');
    expect(back[2].timestamp).toBeUndefined();
    const consumed = unpackConsumerRecords(packRecords([{ topic: 't', partition: 0, offset: 7, key: null, value: 'v', timestamp: 3, headers: {} }]));
    expect(consumed).toEqual([{ topic: 't', partition: 0, offset: 7, key: null, value: new Uint8Array(Buffer.from('v')), timestamp: 3, headers: {} }]);
  });
});

describe('a stream thread on the main thread\'s log', () => {
  it('produces, fetches, reads and commits through the port with the owner\'s offsets', async () => {
    const { owner, thread } = await ownerAndThread();
    await owner.admin.createTopic('in', { partitions: 2 });
    const metas = await thread.producer().sendBatch([
      { topic: 'in', partition: 0, key: 'a', value: '1', timestamp: 10 },
      { topic: 'in', partition: 1, key: 'b', value: '2', timestamp: 11, headers: { trace: 'x' } },
      { topic: 'in', partition: 0, key: 'c', value: null, timestamp: 12 },
    ]);
    expect(metas.map((m) => [m.partition, m.offset, m.timestamp])).toEqual([[0, 0, 10], [1, 0, 11], [0, 1, 12]]);
    const c = thread.consumer({ groupId: 'g', autoOffsetReset: 'earliest' });
    c.assign([{ topic: 'in', partition: 0 }, { topic: 'in', partition: 1 }]);
    const got: string[] = [];
    for (let i = 0; i < 5 && got.length < 3; i++) {
      for (const r of await c.poll({ timeoutMs: 50 })) got.push(`${r.partition}:${r.offset}:${text(r.key)}=${text(r.value)}${r.headers.trace ? '+h' : ''}`);
    }
    expect(got.sort()).toEqual(['0:0:a=1', '0:1:c=null', '1:0:b=2+h']);
    await c.commit();
    const read = await thread.read({ topic: 'in', partition: 0 }, 1);
    expect(read.records.map((r) => text(r.key))).toEqual(['c']);
    expect(read.next).toBe(2);
    await c.close();
  });

  it('a prefetched batch is dropped when the consumer seeks before the next poll', async () => {
    const { owner, thread } = await ownerAndThread();
    await owner.admin.createTopic('t', { partitions: 1 });
    await owner.producer().sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic: 't', key: `k${i}`, value: String(i) })));
    const c = thread.consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: 't', partition: 0 }]);
    const first = await c.poll({ maxRecords: 3, timeoutMs: 50 });
    expect(first.map((r) => r.offset)).toEqual([0, 1, 2]);
    await c.seek({ topic: 't', partition: 0 }, 8); // the prefetch of offsets 3..5 no longer matches
    const next = await c.poll({ maxRecords: 3, timeoutMs: 50 });
    expect(next.map((r) => r.offset)).toEqual([8, 9]);
    const again = await c.poll({ maxRecords: 3, timeoutMs: 20 });
    expect(again).toEqual([]);
    await c.close();
  });
});
