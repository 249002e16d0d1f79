/** A LogBackend in another process (the data dir's owner), reached over its unix socket. */
import net from 'node:net';
import type { FetchOptions, FetchResult, GroupOffsets, LogBackend, OffsetSpec, TxnRef } from './backend.ts';
import { LogStoreError, type LogStoreErrorCode } from './errors.ts';
import type { Subscription } from './groups.ts';
import type {
  ConsumerRecord, Isolation, OffsetAndPartition, PartitionLag, ProducerRecord, RecordMetadata, TopicDescription, TopicOptions, TopicPartition,
} from './types.ts';
import { decodeMessage, encodeMessage, lineReader } from './wire.ts';

interface Reply { id: number; r?: unknown; e?: { message: string; code?: string } }

export class RemoteBackend implements LogBackend {
  private nextId = 1;
  private calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private closed = false;

  private constructor(private readonly conn: net.Socket, readonly socket: string, readonly ownerPid: number) {
    conn.on('data', lineReader((line) => {
      const m = decodeMessage(line) as Reply;
      const c = this.calls.get(m.id);
      if (!c) return;
      this.calls.delete(m.id);
      if (m.e) c.reject(new LogStoreError((m.e.code as LogStoreErrorCode) ?? 'REMOTE', m.e.message));
      else c.resolve(m.r);
    }));
    conn.on('close', () => {
      this.closed = true;
      for (const c of this.calls.values()) c.reject(new LogStoreError('REMOTE', `the owner of the data dir (pid ${ownerPid}) closed the connection on ${socket}`));
      this.calls.clear();
    });
    conn.on('error', () => {});
  }

  static connect(socket: string, ownerPid: number): Promise<RemoteBackend> {
    return new Promise((resolve, reject) => {
      const conn = net.createConnection(socket);
      conn.once('connect', () => { conn.off('error', reject); resolve(new RemoteBackend(conn, socket, ownerPid)); });
      conn.once('error', (e) => reject(new LogStoreError('REMOTE', `cannot reach the owner (pid ${ownerPid}) of the data dir on ${socket}: ${e.message}`)));
    });
  }

  private call<T>(m: string, ...a: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new LogStoreError('CLOSED', `connection to the owner (pid ${this.ownerPid}) is closed`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.conn.write(encodeMessage({ id, m, a }));
    });
  }

  createTopic(name: string, opts: TopicOptions): Promise<void> { return this.call('createTopic', name, opts); }
  listTopics(includeInternal?: boolean): Promise<string[]> { return this.call('listTopics', includeInternal ?? false); }
  describeTopic(name: string): Promise<TopicDescription> { return this.call('describeTopic', name); }
  deleteTopic(name: string): Promise<void> { return this.call('deleteTopic', name); }
  listGroups(): Promise<string[]> { return this.call('listGroups'); }
  groupLag(groupId: string): Promise<PartitionLag[]> { return this.call('groupLag', groupId); }
  produce(records: ProducerRecord[], txn?: TxnRef): Promise<RecordMetadata[]> { return this.call('produce', records, txn); }
  fetch(positions: OffsetAndPartition[], opts: FetchOptions): Promise<FetchResult> {
    // the wait happens in the owner; cap it so that close() here is not held up for long
    return this.call('fetch', positions, { ...opts, timeoutMs: Math.min(opts.timeoutMs, 1000) });
  }
  listOffsets(tps: TopicPartition[], spec: OffsetSpec): Promise<number[]> { return this.call('listOffsets', tps, spec); }
  joinGroup(groupId: string, memberId: string, sub: Subscription): Promise<void> { return this.call('joinGroup', groupId, memberId, sub); }
  leaveGroup(groupId: string, memberId: string): Promise<void> { return this.call('leaveGroup', groupId, memberId); }
  assignment(groupId: string, memberId: string): Promise<TopicPartition[]> { return this.call('assignment', groupId, memberId); }
  commitOffsets(groupId: string, offsets: OffsetAndPartition[]): Promise<void> { return this.call('commitOffsets', groupId, offsets); }
  committed(groupId: string, tps: TopicPartition[]): Promise<(number | null)[]> { return this.call('committed', groupId, tps); }
  initTransactions(id: string): Promise<{ producerId: number; epoch: number }> { return this.call('initTransactions', id); }
  endTransaction(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Promise<void> { return this.call('endTransaction', txn, commit, offsets); }
  maintenance(): Promise<void> { return this.call('maintenance'); }
  deleteRecords(offsets: OffsetAndPartition[]): Promise<number> { return this.call('deleteRecords', offsets); }
  read(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation?: Isolation): Promise<{ records: ConsumerRecord[]; next: number }> {
    return this.call('read', tp, fromOffset, maxRecords, isolation);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.conn.end();
  }
}
