/** The producer: send/sendBatch (sends issued in the same tick go out as one batch) and transactions. */
import type { GroupOffsets, LogBackend, TxnRef } from './backend.ts';
import { LogStoreError } from './errors.ts';
import type { OffsetAndPartition, ProducerRecord, RecordMetadata } from './types.ts';
import type { Observable } from 'rxjs';
import { sendFrom, type SendFromOptions } from './send-from.ts';

export interface ProducerOptions {
  /** Enables transactions (exactly-once): a newer producer with the same id fences this one. */
  transactionalId?: string;
}

export interface Producer {
  /** Appends one record; resolves with its partition and offset once acknowledged under the fsync policy. */
  send(record: ProducerRecord): Promise<RecordMetadata>;
  /** Appends many records (one batch per partition); resolves with their metadata in input order. */
  sendBatch(records: ProducerRecord[]): Promise<RecordMetadata[]>;
  /** Starts a transaction (transactional producers only). */
  beginTransaction(): void;
  /** Adds consumed positions (the next offsets to read) of `groupId` to the open transaction. */
  sendOffsetsToTransaction(offsets: OffsetAndPartition[], groupId: string): Promise<void>;
  /** Atomically makes the transaction's records and offsets visible (read_committed) and durable. */
  commitTransaction(): Promise<void>;
  /** Discards the transaction: read_committed consumers never see its records. */
  abortTransaction(): Promise<void>;
  /**
   * Sends every record an rxjs Observable emits, in order and in batches; resolves with the count when it
   * completes, rejects on its error after sending what came before (API.md section 9; send-from.ts).
   */
  sendFrom(source: Observable<ProducerRecord>, opts?: SendFromOptions): Promise<number>;
  /** Waits for all sends issued so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  record: ProducerRecord;
  resolve: (m: RecordMetadata) => void;
  reject: (e: unknown) => void;
}

export class ProducerImpl implements Producer {
  private queue: Pending[] = [];
  private inflight = new Set<Promise<unknown>>();
  private txn: Promise<TxnRef> | null = null;
  private inTxn = false;
  private txnOffsets: GroupOffsets[] = [];
  private closed = false;

  /** @internal created by LogStore.consumer() / producer(). */
  constructor(private readonly backend: LogBackend, private readonly opts: ProducerOptions = {}) {
    const id = opts.transactionalId;
    if (id !== undefined) {
      this.txn = backend.initTransactions(id).then((r) => ({ transactionalId: id, ...r }));
      this.txn.catch(() => {});
    }
  }

  private check(): void {
    if (this.closed) throw new LogStoreError('CLOSED', 'the producer is closed');
    if (this.txn && !this.inTxn)
      throw new LogStoreError('INVALID_TXN_STATE', `producer '${this.opts.transactionalId}' is transactional: call beginTransaction() before sending`);
  }

  sendFrom(source: Observable<ProducerRecord>, opts?: SendFromOptions): Promise<number> {
    return sendFrom(this, source, opts);
  }

  send(record: ProducerRecord): Promise<RecordMetadata> {
    this.check();
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) queueMicrotask(() => this.drain());
      this.queue.push({ record, resolve, reject });
    });
  }

  private drain(): void {
    const q = this.queue;
    this.queue = [];
    if (q.length === 0) return;
    const p = this.sendBatch(q.map((x) => x.record)).then(
      (ms) => { for (let i = 0; i < q.length; i++) q[i].resolve(ms[i]); },
      (e) => { for (const x of q) x.reject(e); },
    );
    this.track(p);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  sendBatch(records: ProducerRecord[]): Promise<RecordMetadata[]> {
    this.check();
    if (records.length === 0) return Promise.resolve([]);
    const txn = this.txn;
    return this.track(txn ? txn.then((t) => this.backend.produce(records, t)) : this.backend.produce(records));
  }

  beginTransaction(): void {
    if (!this.txn) throw new LogStoreError('INVALID_TXN_STATE', 'beginTransaction() needs a transactional producer: log.producer({ transactionalId })');
    if (this.inTxn) throw new LogStoreError('INVALID_TXN_STATE', `producer '${this.opts.transactionalId}' already has an open transaction`);
    this.inTxn = true;
    this.txnOffsets = [];
  }

  async sendOffsetsToTransaction(offsets: OffsetAndPartition[], groupId: string): Promise<void> {
    if (!this.inTxn) throw new LogStoreError('INVALID_TXN_STATE', 'sendOffsetsToTransaction() outside a transaction: call beginTransaction() first');
    this.txnOffsets.push({ groupId, offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? null })) });
  }

  private async end(commit: boolean): Promise<void> {
    if (!this.txn || !this.inTxn) throw new LogStoreError('INVALID_TXN_STATE', `${commit ? 'commit' : 'abort'}Transaction() without an open transaction`);
    const t = await this.txn;
    if (this.queue.length) this.drain();
    const results = await Promise.allSettled([...this.inflight]);
    const failed = results.find((r) => r.status === 'rejected');
    this.inTxn = false;
    if (commit && failed) {
      await this.backend.endTransaction(t, false, []);
      throw new LogStoreError('INVALID_TXN_STATE', `a send in the transaction failed, so it was aborted: ${String((failed as PromiseRejectedResult).reason)}`);
    }
    await this.backend.endTransaction(t, commit, commit ? this.txnOffsets : []);
    this.txnOffsets = [];
  }

  commitTransaction(): Promise<void> {
    return this.end(true);
  }

  abortTransaction(): Promise<void> {
    return this.end(false);
  }

  async flush(): Promise<void> {
    if (this.queue.length) this.drain();
    await Promise.allSettled([...this.inflight]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
