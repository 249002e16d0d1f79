/**
 * The log-client contract: what the runtime relies on of any log behind the LogBackend interface. Every backend
 * runs this same suite: the built-in log in this process, the built-in log of another process over its socket,
 * the main thread's log over a stream thread's MessagePort, and (in npm run test:kafka) a Kafka cluster.
 * `open` gives a fresh client on an empty namespace (topic names are unique per call).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LogClient } from '../../src/log-client/client.ts';
import { readEach } from '../../src/log-client/client.ts';

export interface ContractTarget {
  /** A client of the log under test; closed by the suite. */
  open(): Promise<LogClient>;
  /** Milliseconds a consumer may need to see a record produced just before (a cluster needs more than a file). */
  pollMs?: number;
}

let seq = 0;
const unique = (base: string) => `${base}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

export function logClientContract(name: string, target: ContractTarget): void {
  const pollMs = target.pollMs ?? 500;
  const clients: LogClient[] = [];
  const open = async () => {
    const c = await target.open();
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of clients.splice(0).reverse()) await c.close();
  });

  /** Polls until `n` records arrived (or the deadline passes). */
  const pollN = async (c: ReturnType<LogClient['consumer']>, n: number) => {
    const out = [];
    const deadline = Date.now() + 10_000 + pollMs;
    while (out.length < n && Date.now() < deadline) out.push(...(await c.poll({ timeoutMs: pollMs })));
    return out;
  };

  describe(`log-client contract: ${name}`, () => {
    it('admin: create, list, describe and delete a topic; creating it twice is an error', async () => {
      const log = await open();
      const t = unique('contract-admin');
      await log.admin.createTopic(t, { partitions: 3 });
      expect(await log.admin.listTopics()).toContain(t);
      const d = await log.admin.describeTopic(t);
      expect(d.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      await expect(log.admin.createTopic(t, { partitions: 1 })).rejects.toThrow();
      await log.admin.deleteTopic(t);
      // a cluster's metadata catches up with a deletion shortly after it returns: gone within seconds
      const end = Date.now() + 10_000;
      while ((await log.admin.listTopics()).includes(t) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(await log.admin.listTopics()).not.toContain(t);
    });

    it('produce keeps per-partition order, partitions keys with murmur2 and reports offsets; read and readEach see the same', async () => {
      const log = await open();
      const t = unique('contract-produce');
      await log.admin.createTopic(t, { partitions: 2 });
      const metas = await log.producer().sendBatch(Array.from({ length: 20 }, (_, i) => ({ topic: t, key: `k${i % 4}`, value: `v${i}`, timestamp: 1000 + i })));
      for (const k of [0, 1, 2, 3]) {
        const same = metas.filter((_, i) => i % 4 === k);
        expect(new Set(same.map((m) => m.partition)).size).toBe(1);
        expect(same.map((m) => m.offset)).toEqual([...same.map((m) => m.offset)].sort((a, b) => a - b));
      }
      const p0 = metas.filter((m) => m.partition === 0).length;
      const { records, next } = await log.read({ topic: t, partition: 0 }, 0, 100);
      expect(records.map((r) => r.offset)).toEqual(metas.filter((m) => m.partition === 0).map((m) => m.offset));
      expect(next).toBeGreaterThanOrEqual(p0);
      const visited: string[] = [];
      const r = await readEach(log, { topic: t, partition: 0 }, 0, 100, 'read_uncommitted', (_o, ts, k, v) => visited.push(`${text(k)}=${text(v)}@${ts}`));
      expect(visited).toEqual(records.map((x) => `${text(x.key)}=${text(x.value)}@${x.timestamp}`));
      expect(r.count).toBe(records.length);
      expect(await log.endOffsets([{ topic: t, partition: 0 }, { topic: t, partition: 1 }])).toEqual([
        (await log.offsets({ topic: t, partition: 0 })).end, (await log.offsets({ topic: t, partition: 1 })).end,
      ]);
    });

    it('a consumer group commits positions; a new member resumes from them', async () => {
      const log = await open();
      const t = unique('contract-group');
      const g = unique('contract-g');
      await log.admin.createTopic(t, { partitions: 1 });
      await log.producer().sendBatch(['a', 'b', 'c'].map((v) => ({ topic: t, key: v, value: v })));
      const c1 = log.consumer({ groupId: g, autoOffsetReset: 'earliest' });
      c1.assign([{ topic: t, partition: 0 }]);
      const first = await pollN(c1, 3);
      expect(first.map((r) => text(r.value))).toEqual(['a', 'b', 'c']);
      await c1.commit([{ topic: t, partition: 0, offset: first[1].offset + 1 }]);
      await c1.close();
      const c2 = log.consumer({ groupId: g, autoOffsetReset: 'earliest' });
      c2.assign([{ topic: t, partition: 0 }]);
      expect((await pollN(c2, 1)).map((r) => text(r.value))).toEqual(['c']);
      expect(await c2.committed({ topic: t, partition: 0 })).toBe(first[1].offset + 1);
      await c2.close();
    });

    it('transactions: read_committed sees committed records only, with the offsets committed in the same transaction', async () => {
      const log = await open();
      const t = unique('contract-txn');
      const g = unique('contract-txn-g');
      await log.admin.createTopic(t, { partitions: 1 });
      const p = log.producer({ transactionalId: unique('contract-tx') });
      p.beginTransaction();
      await p.sendBatch([{ topic: t, key: 'x', value: 'aborted' }]);
      await p.abortTransaction();
      p.beginTransaction();
      await p.sendBatch([{ topic: t, key: 'y', value: 'committed' }]);
      await p.sendOffsetsToTransaction([{ topic: t, partition: 0, offset: 7 }], g);
      await p.commitTransaction();
      await p.close();
      const c = log.consumer({ isolation: 'read_committed', autoOffsetReset: 'earliest' });
      c.assign([{ topic: t, partition: 0 }]);
      expect((await pollN(c, 1)).map((r) => text(r.value))).toEqual(['committed']);
      await c.close();
      const cg = log.consumer({ groupId: g });
      expect(await cg.committed({ topic: t, partition: 0 })).toBe(7);
      await cg.close();
    });

    it('offset commits carry a metadata string per partition (plain and transactional); committedOffsets returns it', async () => {
      const log = await open();
      const t = unique('contract-meta');
      const g = unique('contract-meta-g');
      await log.admin.createTopic(t, { partitions: 3 });
      const c = log.consumer({ groupId: g });
      await c.commit([
        { topic: t, partition: 0, offset: 3, metadata: 'AgAAAYvP5Wh7' },
        { topic: t, partition: 1, offset: 4 },
        { topic: t, partition: 2, offset: 5, metadata: null },
      ]);
      const tps = [0, 1, 2].map((partition) => ({ topic: t, partition }));
      expect(await c.committedOffsets(tps)).toEqual([
        { offset: 3, metadata: 'AgAAAYvP5Wh7' }, { offset: 4, metadata: null }, { offset: 5, metadata: null },
      ]);
      expect(await c.committed(tps[0])).toBe(3);
      const p = log.producer({ transactionalId: unique('contract-meta-tx') });
      p.beginTransaction();
      await p.sendBatch([{ topic: t, partition: 1, key: 'k', value: 'v' }]);
      await p.sendOffsetsToTransaction([{ topic: t, partition: 1, offset: 9, metadata: 'Av//////////' }, { topic: t, partition: 0, offset: 8 }], g);
      await p.commitTransaction();
      await p.close();
      expect(await c.committedOffsets([...tps, { topic: unique('contract-meta-none'), partition: 0 }])).toEqual([
        { offset: 8, metadata: null }, { offset: 9, metadata: 'Av//////////' }, { offset: 5, metadata: null }, null,
      ]);
      await c.close();
    });

    it('a newer producer with the same transactional id fences the older one', async () => {
      const log = await open();
      const t = unique('contract-fence');
      const id = unique('contract-fence-tx');
      await log.admin.createTopic(t, { partitions: 1 });
      const old = log.producer({ transactionalId: id });
      old.beginTransaction();
      await old.sendBatch([{ topic: t, key: 'k', value: 'old' }]);
      const fresh = log.producer({ transactionalId: id });
      fresh.beginTransaction();
      await fresh.sendBatch([{ topic: t, key: 'k', value: 'new' }]);
      await fresh.commitTransaction();
      await expect(old.commitTransaction()).rejects.toThrow(/fenced/i);
      await fresh.close();
      await old.close().catch(() => undefined);
    });
  });
}
