/**
 * A LogBackend owned by someone else: another process (the data dir's owner, over its unix socket, JSON lines) or
 * the main thread of this process (a stream thread's MessagePort, structured clone: bytes travel as bytes).
 */
import net from 'node:net';
import type { MessagePort } from 'node:worker_threads';
import type { FetchOptions, FetchResult, GroupOffsets, LogBackend, OffsetSpec, RecordVisitor, TxnRef } from '../../log-client/backend.ts';
import { LogStoreError, type LogStoreErrorCode } from '../../log-client/errors.ts';
import type {
  CommittedOffset, ConsumerRecord, Subscription, Isolation, OffsetAndPartition, PartitionLag, ProducerRecord, RecordMetadata, TopicDescription, TopicOptions, TopicPartition,
} from '../../log-client/types.ts';
import { decodeMessage, encodeMessage, lineReader } from './wire.ts';
import { packRecords, unpackConsumerRecords, unpackMetadata, type PackedMetadata, type PackedRecords } from './packing.ts';

/** What fetchPacked and readPacked answer (server.ts). */
export interface PackedRead {
  packed: PackedRecords;
  next: number[] | number;
}

export interface Reply { id: number; r?: unknown; e?: { message: string; code?: string } }

/** How requests reach the owner: `send` one request; the transport calls back `receive` and `lost`. */
interface Transport {
  send(request: { id: number; m: string; a: unknown[] }): void;
  end(): void;
}

export class RemoteBackend implements LogBackend {
  readonly fetchAhead = true;
  private nextId = 1;
  private calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private closed = false;
  private transport!: Transport;

  private constructor(readonly where: string, readonly ownerPid: number) {}

  static connect(socket: string, ownerPid: number): Promise<RemoteBackend> {
    return new Promise((resolve, reject) => {
      const conn = net.createConnection(socket);
      conn.once('connect', () => {
        conn.off('error', reject);
        const b = new RemoteBackend(socket, ownerPid);
        b.transport = { send: (req) => conn.write(encodeMessage(req)), end: () => conn.end() };
        conn.on('data', lineReader((line) => b.receive(decodeMessage(line) as Reply)));
        conn.on('close', () => b.lost(`the owner of the data dir (pid ${ownerPid}) closed the connection on ${socket}`));
        conn.on('error', () => {});
        resolve(b);
      });
      conn.once('error', (e) => reject(new LogStoreError('REMOTE', `cannot reach the owner (pid ${ownerPid}) of the data dir on ${socket}: ${e.message}`)));
    });
  }

  /** The log of this process's main thread, for a stream thread (see server.ts servePort). */
  static overPort(port: MessagePort): RemoteBackend {
    const b = new RemoteBackend('the main thread', process.pid);
    b.transport = { send: (req) => port.postMessage(req), end: () => port.close() };
    port.on('message', (m: Reply) => b.receive(m));
    port.on('close', () => b.lost('the main thread closed the log port'));
    return b;
  }

  private receive(m: Reply): void {
    const c = this.calls.get(m.id);
    if (!c) return;
    this.calls.delete(m.id);
    if (m.e) c.reject(new LogStoreError((m.e.code as LogStoreErrorCode) ?? 'REMOTE', m.e.message));
    else c.resolve(m.r);
  }

  private lost(why: string): void {
    this.closed = true;
    for (const c of this.calls.values()) c.reject(new LogStoreError('REMOTE', why));
    this.calls.clear();
  }

  private call<T>(m: string, ...a: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new LogStoreError('CLOSED', `connection to the owner (pid ${this.ownerPid}) is closed`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.transport.send({ id, m, a });
    });
  }

  createTopic(name: string, opts: TopicOptions): Promise<void> { return this.call('createTopic', name, opts); }
  listTopics(includeInternal?: boolean): Promise<string[]> { return this.call('listTopics', includeInternal ?? false); }
  describeTopic(name: string): Promise<TopicDescription> { return this.call('describeTopic', name); }
  deleteTopic(name: string): Promise<void> { return this.call('deleteTopic', name); }
  listGroups(): Promise<string[]> { return this.call('listGroups'); }
  groupLag(groupId: string): Promise<PartitionLag[]> { return this.call('groupLag', groupId); }
  async produce(records: ProducerRecord[], txn?: TxnRef): Promise<RecordMetadata[]> {
    return unpackMetadata(await this.call<PackedMetadata>('producePacked', packRecords(records), txn));
  }
  async fetch(positions: OffsetAndPartition[], opts: FetchOptions): Promise<FetchResult> {
    // the wait happens in the owner; cap it so that close() here is not held up for long
    const r = await this.call<PackedRead>('fetchPacked', positions, { ...opts, timeoutMs: Math.min(opts.timeoutMs, 1000) });
    return { records: unpackConsumerRecords(r.packed), next: r.next as number[] };
  }
  listOffsets(tps: TopicPartition[], spec: OffsetSpec): Promise<number[]> { return this.call('listOffsets', tps, spec); }
  joinGroup(groupId: string, memberId: string, sub: Subscription): Promise<void> { return this.call('joinGroup', groupId, memberId, sub); }
  leaveGroup(groupId: string, memberId: string): Promise<void> { return this.call('leaveGroup', groupId, memberId); }
  assignment(groupId: string, memberId: string): Promise<TopicPartition[]> { return this.call('assignment', groupId, memberId); }
  commitOffsets(groupId: string, offsets: OffsetAndPartition[]): Promise<void> { return this.call('commitOffsets', groupId, offsets); }
  committed(groupId: string, tps: TopicPartition[]): Promise<(number | null)[]> { return this.call('committed', groupId, tps); }
  committedOffsets(groupId: string, tps: TopicPartition[]): Promise<(CommittedOffset | null)[]> { return this.call('committedOffsets', groupId, tps); }
  initTransactions(id: string): Promise<{ producerId: number; epoch: number }> { return this.call('initTransactions', id); }
  endTransaction(txn: TxnRef, commit: boolean, offsets: GroupOffsets[]): Promise<void> { return this.call('endTransaction', txn, commit, offsets); }
  maintenance(): Promise<void> { return this.call('maintenance'); }
  deleteRecords(offsets: OffsetAndPartition[]): Promise<number> { return this.call('deleteRecords', offsets); }
  async read(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation?: Isolation): Promise<{ records: ConsumerRecord[]; next: number }> {
    const r = await this.call<PackedRead>('readPacked', tp, fromOffset, maxRecords, isolation);
    return { records: unpackConsumerRecords(r.packed), next: r.next as number };
  }
  /** Over the port or socket records arrive as a batch anyway: visit the batch `read` returns. */
  async readEach(tp: TopicPartition, fromOffset: number, maxRecords: number, isolation: Isolation, each: RecordVisitor): Promise<{ count: number; next: number }> {
    const r = await this.read(tp, fromOffset, maxRecords, isolation);
    for (const x of r.records) each(x.offset, x.timestamp, x.key, x.value, x.headers);
    return { count: r.records.length, next: r.next };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.transport.end();
  }
}
