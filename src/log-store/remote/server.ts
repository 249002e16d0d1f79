/**
 * The owner of a data dir serves other local processes (the CLI in another terminal) on a unix
 * socket: each request {id, m, a} calls the LogBackend method m with args a; group memberships of
 * a connection end when it closes.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { MessagePort } from 'node:worker_threads';
import type { LogBackend, TxnRef } from '../../log-client/backend.ts';
import { packMetadata, packRecords, unpackProducerRecords, type PackedRecords } from './packing.ts';
import { decodeMessage, encodeMessage, lineReader } from './wire.ts';
import type { PackedRead, Reply } from './remote-backend.ts';

const METHODS = new Set([
  'createTopic', 'listTopics', 'describeTopic', 'deleteTopic', 'listGroups', 'groupLag', 'produce', 'fetch', 'listOffsets',
  'joinGroup', 'leaveGroup', 'assignment', 'commitOffsets', 'committed', 'committedOffsets', 'initTransactions', 'endTransaction', 'maintenance', 'read', 'deleteRecords',
]);

export interface Request {
  id: number;
  m: string;
  a: unknown[];
}

const connections = new WeakMap<net.Server, Set<net.Socket>>();

/** Stops serving: closes the listener and the open client connections (a client that stays connected, such as a
 * feeder or `consume --follow`, must not hold up the owner's close forever). */
export function stopServing(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const c of connections.get(server) ?? []) c.destroy();
  });
}

type Args<T extends 'fetch' | 'read'> = Parameters<LogBackend[T]>;

/** The record-heavy calls travel packed (packing.ts); the owner unpacks, calls the plain method and packs the answer. */
const PACKED: Record<string, (b: LogBackend, a: unknown[]) => Promise<unknown>> = {
  async fetchPacked(b, a) {
    const r = await b.fetch(...(a as Args<'fetch'>));
    return { packed: packRecords(r.records), next: r.next } satisfies PackedRead;
  },
  async readPacked(b, a) {
    const r = await b.read(...(a as Args<'read'>));
    return { packed: packRecords(r.records), next: r.next } satisfies PackedRead;
  },
  async producePacked(b, a) {
    return packMetadata(await b.produce(unpackProducerRecords(a[0] as PackedRecords), a[1] as TxnRef | undefined));
  },
};

/** Calls the backend method a request names; the reply carries the result or the error. */
async function dispatch(backend: LogBackend, req: Request, joined: Map<string, string>): Promise<Reply> {
  try {
    const packed = Object.hasOwn(PACKED, req.m) ? PACKED[req.m] : undefined;
    if (!packed && !METHODS.has(req.m)) throw new Error(`unknown method '${req.m}'`);
    if (req.m === 'joinGroup') joined.set(req.a[1] as string, req.a[0] as string);
    if (req.m === 'leaveGroup') joined.delete(req.a[1] as string);
    const fn = (backend as unknown as Record<string, (...a: unknown[]) => unknown>)[req.m];
    const r = packed ? await packed(backend, req.a) : await fn.apply(backend, req.a);
    return { id: req.id, r: r === undefined ? null : r };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { id: req.id, e: { message: err.message, code: err.code } };
  }
}

function leaveAll(backend: LogBackend, joined: Map<string, string>): void {
  for (const [member, group] of joined) void backend.leaveGroup(group, member);
}

/**
 * Serves a stream thread of this process on a MessagePort. Structured clone carries records' bytes as bytes
 * (the socket's JSON lines base64 every key and value: 2 stream threads over the socket ran at half the speed of one).
 */
export function servePort(backend: LogBackend, port: MessagePort): void {
  const joined = new Map<string, string>();
  port.on('message', (req: Request) => {
    void dispatch(backend, req, joined).then((reply) => {
      try {
        port.postMessage(reply);
      } catch {
        // the thread is gone
      }
    });
  });
  port.on('close', () => leaveAll(backend, joined));
}

export function serve(backend: LogBackend, socket: string): Promise<net.Server> {
  fs.rmSync(socket, { force: true });
  const open = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    open.add(conn);
    conn.on('close', () => open.delete(conn));
    const joined = new Map<string, string>(); // memberId -> groupId
    const read = lineReader((line) => {
      let req: Request;
      try { req = decodeMessage(line) as Request; } catch { conn.destroy(); return; }
      void dispatch(backend, req, joined).then((reply) => {
        if (!conn.destroyed) conn.write(encodeMessage(reply));
      });
    });
    conn.on('data', read);
    conn.on('error', () => {});
    conn.on('close', () => leaveAll(backend, joined));
  });
  connections.set(server, open);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => { server.off('error', reject); server.unref(); resolve(server); });
  });
}
