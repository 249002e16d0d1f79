/**
 * Stream threads (worker_threads) of streams-run reach the main thread's log over a MessagePort: the main
 * thread serves its log's backend on one end (`serveLogOverPort`), the thread uses it through the other.
 */
import type { MessagePort } from 'node:worker_threads';
import { backendOf, LogClient } from '../../log-client/client.ts';
import { RemoteBackend } from './remote-backend.ts';
import { servePort } from './server.ts';

/** The main thread's log, for a stream thread; `where` names it in errors. */
export function logOverPort(where: string, port: MessagePort): LogClient {
  return new LogClient(RemoteBackend.overPort(port), where);
}

/** Serves `log` (the main thread's) to a stream thread on `port`. */
export function serveLogOverPort(log: LogClient, port: MessagePort): void {
  servePort(backendOf(log), port);
}
