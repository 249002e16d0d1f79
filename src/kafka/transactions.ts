/**
 * Transactions on Kafka (exactly_once_v2): InitProducerId per transactional id (which aborts what a crashed
 * predecessor with the same id left open and fences it), AddPartitionsToTxn once per set of partitions new to the
 * transaction, AddOffsetsToTxn + one TxnOffsetCommit per group carrying the member's generation and member id
 * (KIP-447: the coordinator refuses a zombie's offsets), then EndTxn.
 */
import { addOffsetsToTxnV4, addPartitionsToTxnV3, endTxnV4, initProducerIdV5, txnOffsetCommitV4 } from '@platformatic/kafka';
import type { GroupOffsets, TxnRef } from '../log-client/backend.ts';
import { LogStoreError } from '../log-client/errors.ts';
import { describeError, protocolErrorId, type KafkaClient } from './client.ts';
import { FENCING_ERRORS } from './group.ts';
import type { ProducerIdentity } from './records.ts';

/** The group member whose id and generation a TxnOffsetCommit carries, and what to tell it when they are refused. */
export interface CommitMember {
  meta: { memberId: string; generationId: number };
  refused(errorId: string): void;
}

export interface TxnState extends ProducerIdentity {
  transactionalId: string;
  /** Partitions already added to the open transaction ("topic:partition"). */
  partitions: Set<string>;
}

const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

function fail(client: KafkaClient, txnId: string, what: string, e: unknown): never {
  const id = protocolErrorId(e);
  if (e instanceof LogStoreError && (e.code === 'FENCED' || !id || !FENCED.has(id))) throw e;
  if (id && FENCED.has(id)) {
    throw new LogStoreError('FENCED', `transactional producer '${txnId}' was fenced during ${what} (${id}): another instance with the same transactional.id took over; its tasks are lost here`);
  }
  throw new LogStoreError('REMOTE', `transaction '${txnId}': ${what} on Kafka at ${client.where} failed: ${describeError(e)}`);
}

export class Transactions {
  private readonly states = new Map<string, TxnState>();

  constructor(private readonly client: KafkaClient, private readonly transactionTimeoutMs: number) {}

  async init(transactionalId: string): Promise<{ producerId: number; epoch: number }> {
    const c = this.client;
    const res = await c.retry(`InitProducerId for '${transactionalId}'`, async () => {
      const coord = await c.coordinator(1, transactionalId);
      return initProducerIdV5.api.async(await c.connection(coord), transactionalId, this.transactionTimeoutMs, -1n, -1);
    }).catch((e: unknown) => fail(c, transactionalId, 'InitProducerId', e));
    this.states.set(transactionalId, {
      transactionalId, producerId: res.producerId, epoch: res.producerEpoch, sequences: new Map(), partitions: new Set(),
    });
    return { producerId: Number(res.producerId), epoch: res.producerEpoch };
  }

  state(txn: TxnRef): TxnState {
    const s = this.states.get(txn.transactionalId);
    if (!s || Number(s.producerId) !== txn.producerId || s.epoch !== txn.epoch) {
      throw new LogStoreError('FENCED', `transactional producer '${txn.transactionalId}' (producer id ${txn.producerId}, epoch ${txn.epoch}) has been fenced by a newer producer with the same transactional id in this client; close it and create a new one`);
    }
    return s;
  }

  /** Adds the partitions not yet in the open transaction, in one request. */
  async addPartitions(s: TxnState, tps: Array<{ topic: string; partition: number }>): Promise<void> {
    const fresh = tps.filter((tp) => !s.partitions.has(`${tp.topic}:${tp.partition}`));
    if (!fresh.length) return;
    const byTopic = new Map<string, number[]>();
    for (const tp of fresh) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
    const c = this.client;
    await c.retry(`AddPartitionsToTxn for '${s.transactionalId}'`, async () => {
      const coord = await c.coordinator(1, s.transactionalId);
      await addPartitionsToTxnV3.api.async(await c.connection(coord), [{
        transactionalId: s.transactionalId, producerId: s.producerId, producerEpoch: s.epoch, verifyOnly: false,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      }]);
    }).catch((e: unknown) => fail(c, s.transactionalId, `AddPartitionsToTxn (${fresh.map((t) => `${t.topic}-${t.partition}`).join(', ')})`, e));
    for (const tp of fresh) s.partitions.add(`${tp.topic}:${tp.partition}`);
  }

  /** Commits (or aborts) the open transaction, with the groups' offsets when committing. */
  async end(txn: TxnRef, commit: boolean, offsets: GroupOffsets[], member: (groupId: string, topics: string[]) => Promise<CommitMember>): Promise<void> {
    const s = this.state(txn);
    const c = this.client;
    const id = s.transactionalId;
    let hasOffsets = false;
    if (commit) {
      for (const g of offsets) {
        if (!g.offsets.length) continue;
        hasOffsets = true;
        const cm = await member(g.groupId, [...new Set(g.offsets.map((o) => o.topic))]);
        const m = cm.meta;
        await c.retry(`AddOffsetsToTxn for '${id}'`, async () => {
          const coord = await c.coordinator(1, id);
          await addOffsetsToTxnV4.api.async(await c.connection(coord), id, s.producerId, s.epoch, g.groupId);
        }).catch((e: unknown) => fail(c, id, `AddOffsetsToTxn (group '${g.groupId}')`, e));
        const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }>>();
        for (const o of g.offsets) {
          (byTopic.get(o.topic) ?? byTopic.set(o.topic, []).get(o.topic)!).push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: o.metadata ?? null });
        }
        await c.retry(`TxnOffsetCommit for '${id}'`, async () => {
          const coord = await c.coordinator(0, g.groupId);
          await txnOffsetCommitV4.api.async(await c.connection(coord), id, g.groupId, s.producerId, s.epoch, m.generationId, m.memberId, null,
            [...byTopic].map(([name, partitions]) => ({ name, partitions })));
        }).catch((e: unknown) => {
          const pid = protocolErrorId(e);
          if (pid && (FENCING_ERRORS.has(pid) || pid === 'REBALANCE_IN_PROGRESS')) {
            cm.refused(pid);
            throw new LogStoreError('FENCED', `transaction '${id}': group '${g.groupId}' refused the offsets of member ${m.memberId} generation ${m.generationId} (${pid})${pid === 'REBALANCE_IN_PROGRESS' ? ': the group is rebalancing; abort this transaction, rejoin (poll) and process the assigned tasks again' : ': this member was fenced by a rebalance; its tasks are lost here'}`);
          }
          fail(c, id, `TxnOffsetCommit (group '${g.groupId}')`, e);
        });
      }
    }
    if (s.partitions.size === 0 && !hasOffsets) return; // nothing was added: the transaction never started on the broker
    await c.retry(`EndTxn for '${id}'`, async () => {
      const coord = await c.coordinator(1, id);
      await endTxnV4.api.async(await c.connection(coord), id, s.producerId, s.epoch, commit);
    }).catch((e: unknown) => fail(c, id, commit ? 'commit (EndTxn)' : 'abort (EndTxn)', e));
    s.partitions.clear();
  }
}
