/**
 * The transaction coordinator: producer ids and epochs per transactional id (fencing), the partitions a
 * transaction wrote, and its two-phase end (Prepare record, commit/abort markers on every partition plus the
 * transaction's offsets, Complete record), kept in `__transaction_state` and redone at open after a crash.
 */
import type { GroupOffsets, TxnRef } from '../../log-client/backend.ts';
import { LogStoreError } from '../../log-client/errors.ts';
import type { PartitionLog } from '../storage/partition-log.ts';
import { CONTROL_ABORT, CONTROL_COMMIT } from '../../record-format/record-batch.ts';
import { TXN_TOPIC, type TxnState } from './internal-topics.ts';
import type { OffsetStore } from './offsets.ts';
import { readAll, type Topics } from './topics.ts';

export class TxnCoordinator {
  private readonly txns = new Map<string, TxnState>();
  private nextProducerId = 0;

  constructor(
    private readonly topics: Topics, private readonly offsets: OffsetStore,
    private readonly now: () => number, private readonly syncOnRoll: boolean,
  ) {}

  /** Rebuilds the state from the topic and finishes what a crash left open: decided ones commit, the rest abort. */
  replay(): void {
    readAll(this.topics.internal(TXN_TOPIC), (r) => {
      if (!r.key) return;
      const id = Buffer.from(r.key).toString('utf8');
      if (r.value) {
        const s = JSON.parse(Buffer.from(r.value).toString('utf8')) as TxnState;
        this.txns.set(id, s);
        this.nextProducerId = Math.max(this.nextProducerId, s.producerId + 1);
      } else this.txns.delete(id);
    });
    for (const [id, s] of this.txns) {
      if (s.state === 'PrepareCommit') this.complete(id, s, true);
      else if (s.state === 'Ongoing' || s.state === 'PrepareAbort') this.complete(id, s, false);
    }
  }

  private write(id: string, s: TxnState): PartitionLog {
    const now = this.now();
    const log = this.topics.internal(TXN_TOPIC);
    log.append([{ key: id, value: JSON.stringify(s), timestamp: now }], now, {}, this.syncOnRoll);
    this.txns.set(id, s);
    return log;
  }

  /** The transaction's state; FENCED when a newer producer took the transactional id. */
  check(txn: TxnRef): TxnState {
    const s = this.txns.get(txn.transactionalId);
    if (!s || s.producerId !== txn.producerId || s.epoch !== txn.epoch)
      throw new LogStoreError('FENCED', `producer with transactionalId '${txn.transactionalId}' (epoch ${txn.epoch}) has been fenced by a newer producer with the same transactionalId; close it and create a new one`);
    return s;
  }

  /** Records the partitions a produce adds to the transaction (Kafka's AddPartitionsToTxn), once per new set. */
  addPartitions(txn: TxnRef, logs: Iterable<PartitionLog>): void {
    const state = this.check(txn);
    const added = [...logs].filter((l) => !state.partitions.some((p) => p.topic === l.topic && p.partition === l.partition));
    if (added.length === 0 && state.state === 'Ongoing') return;
    for (const l of added) state.partitions.push({ topic: l.topic, partition: l.partition, first: l.endOffset });
    state.state = 'Ongoing';
    this.write(txn.transactionalId, state);
  }

  /** Bumps the epoch (fencing older producers) after finishing what the previous one left; returns the log written. */
  init(transactionalId: string): { producerId: number; epoch: number; log: PartitionLog } {
    let s = this.txns.get(transactionalId);
    if (s && (s.state === 'Ongoing' || s.state === 'PrepareAbort')) this.complete(transactionalId, s, false);
    if (s && s.state === 'PrepareCommit') this.complete(transactionalId, s, true);
    s = s ? { producerId: s.producerId, epoch: s.epoch + 1, state: 'Empty', partitions: [] } : { producerId: this.nextProducerId++, epoch: 0, state: 'Empty', partitions: [] };
    if (s.epoch > 32767) s = { producerId: this.nextProducerId++, epoch: 0, state: 'Empty', partitions: [] };
    return { producerId: s.producerId, epoch: s.epoch, log: this.write(transactionalId, s) };
  }

  /** Ends the transaction; returns every log written, for the caller's durability wait. */
  end(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Set<PartitionLog> {
    const s = this.check(txn);
    return this.complete(txn.transactionalId, { ...s, offsets: commit ? offsets : undefined }, commit);
  }

  /** Two-phase end: Prepare record, markers on every partition (+ offsets), Complete record. */
  private complete(id: string, s: TxnState, commit: boolean): Set<PartitionLog> {
    const touched = new Set<PartitionLog>();
    const now = this.now();
    touched.add(this.write(id, { ...s, state: commit ? 'PrepareCommit' : 'PrepareAbort' }));
    for (const p of s.partitions) {
      const log = this.topics.find(p.topic)?.parts[p.partition];
      if (!log) continue;
      log.writeMarker(commit ? CONTROL_COMMIT : CONTROL_ABORT, s.producerId, s.epoch, now, p.first, this.syncOnRoll);
      touched.add(log);
    }
    if (commit) for (const o of s.offsets ?? []) touched.add(this.offsets.append(o.groupId, o.offsets));
    touched.add(this.write(id, { producerId: s.producerId, epoch: s.epoch, state: commit ? 'CompleteCommit' : 'CompleteAbort', partitions: [] }));
    return touched;
  }
}
