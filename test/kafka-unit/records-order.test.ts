/**
 * produceRecords (src/kafka/records.ts) and the order of a transactional producer's calls (issue #13, the 3-instance
 * exactly_once + standby failure): a call whose AddPartitionsToTxn is slow (CONCURRENT_TRANSACTIONS retries right
 * after a commit) must not let a later call encode first. The later call would take the lower sequence numbers and
 * be appended first, so a changelog would hold a task's updates out of order and a restore would end on an older
 * count. The broker here is a fake connection that appends requests in the order they are written.
 */
import { describe, expect, it } from 'vitest';
import type { KafkaClient } from '../../src/kafka/client.ts';
import { Partitioner, produceRecords, type ProducerIdentity } from '../../src/kafka/records.ts';
import type { ProducerRecord } from '../../src/log-client/types.ts';

interface Written { sequenceAfter: number | undefined; records: number }

/** A client with one broker and one single-partition topic; requests are appended in the order they are sent. */
function fakeClient(id: ProducerIdentity, written: Written[]): KafkaClient {
  const broker = { nodeId: 1, host: 'fake', port: 9092 };
  let logEnd = 0;
  const connection = {
    send(_key: number, _version: number, _create: () => unknown, _parse: unknown, _h1: boolean, _h2: boolean,
      cb: (e: unknown, r: unknown) => void): void {
      // the batches of this request were encoded just before it was written: their sequence numbers are taken
      const n = written.length === 0 ? (id.sequences.get('t:0') ?? 0) : (id.sequences.get('t:0') ?? 0) - (written[written.length - 1].sequenceAfter ?? 0);
      written.push({ sequenceAfter: id.sequences.get('t:0'), records: n });
      const baseOffset = BigInt(logEnd);
      logEnd += n;
      setImmediate(() => cb(null, { responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset, logAppendTimeMs: -1n }] }] }));
    },
  };
  const client = {
    opts: { retryForMs: 1000 },
    requireTopic: async () => ({ leaders: [broker] }),
    leader: async () => broker,
    retry: <T>(_what: string, f: () => Promise<T>) => f(),
    connection: async () => connection,
  };
  return client as unknown as KafkaClient;
}

const rec = (value: string): ProducerRecord => ({ topic: 't', partition: 0, key: 'k', value });

describe('produceRecords: calls of one transactional producer', () => {
  it('are encoded and appended in call order even when an earlier call waits longer for AddPartitionsToTxn', async () => {
    const id: ProducerIdentity = { transactionalId: 'app-1', producerId: 10n, epoch: 0, sequences: new Map() };
    const written: Written[] = [];
    const client = fakeClient(id, written);
    const partitioner = new Partitioner();
    let releaseFirst!: () => void;
    const firstAdded = new Promise<void>((r) => { releaseFirst = r; });
    // the first call's AddPartitionsToTxn answers only after the second call has had every chance to go ahead
    const first = produceRecords(client, partitioner, [rec('count 960'), rec('count 961'), rec('count 962')], id, () => firstAdded);
    const second = produceRecords(client, partitioner, [rec('count 963'), rec('count 964')], id, async () => undefined);
    await new Promise((r) => setTimeout(r, 20));
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);
    // log order = processing order: the first call's records come first, with the first sequence numbers
    expect(a.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(b.map((m) => m.offset)).toEqual([3, 4]);
    expect(written).toEqual([{ sequenceAfter: 3, records: 3 }, { sequenceAfter: 5, records: 2 }]);
  });

  it('a call that fails before encoding does not hold up the next one', async () => {
    const id: ProducerIdentity = { transactionalId: 'app-1', producerId: 11n, epoch: 0, sequences: new Map() };
    const written: Written[] = [];
    const client = fakeClient(id, written);
    const partitioner = new Partitioner();
    const failed = produceRecords(client, partitioner, [rec('a')], id, async () => { throw new Error('AddPartitionsToTxn refused'); });
    const next = produceRecords(client, partitioner, [rec('b'), rec('c')], id, async () => undefined);
    await expect(failed).rejects.toThrow('AddPartitionsToTxn refused');
    expect((await next).map((m) => m.offset)).toEqual([0, 1]);
    expect(written).toEqual([{ sequenceAfter: 2, records: 2 }]);
  });
});
