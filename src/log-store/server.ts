/**
 * The owner of a data dir serves other local processes (the CLI in another terminal) on a unix
 * socket: each request {id, m, a} calls the LogBackend method m with args a; group memberships of
 * a connection end when it closes.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { LogBackend } from './backend.ts';
import { decodeMessage, encodeMessage, lineReader } from './wire.ts';

const METHODS = new Set([
  'createTopic', 'listTopics', 'describeTopic', 'deleteTopic', 'listGroups', 'groupLag', 'produce', 'fetch', 'listOffsets',
  'joinGroup', 'leaveGroup', 'assignment', 'commitOffsets', 'committed', 'initTransactions', 'endTransaction', 'maintenance', 'read', 'deleteRecords',
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
      void (async () => {
        try {
          if (!METHODS.has(req.m)) throw new Error(`unknown method '${req.m}'`);
          if (req.m === 'joinGroup') joined.set(req.a[1] as string, req.a[0] as string);
          if (req.m === 'leaveGroup') joined.delete(req.a[1] as string);
          const fn = (backend as unknown as Record<string, (...a: unknown[]) => unknown>)[req.m];
          const r = await fn.apply(backend, req.a);
          if (!conn.destroyed) conn.write(encodeMessage({ id: req.id, r: r === undefined ? null : r }));
        } catch (e) {
          const err = e as Error & { code?: string };
          if (!conn.destroyed) conn.write(encodeMessage({ id: req.id, e: { message: err.message, code: err.code } }));
        }
      })();
    });
    conn.on('data', read);
    conn.on('error', () => {});
    conn.on('close', () => {
      for (const [member, group] of joined) void backend.leaveGroup(group, member);
    });
  });
  connections.set(server, open);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => { server.off('error', reject); server.unref(); resolve(server); });
  });
}
