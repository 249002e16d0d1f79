/**
 * Asking another instance of the app (its applicationServer) for a query it owns: an HTTP GET of the same
 * endpoint, marked as forwarded so that the other instance answers from its own stores and never forwards again
 * (no loops, even when two instances disagree about the owner during a rebalance), with the same bearer token.
 */
import http from 'node:http';
import { HttpError } from './errors.ts';

/** The request header that marks a forwarded query; its value is the forwarding instance's applicationServer. */
export const FORWARDED_HEADER = 'x-tributary-forwarded';

/** Another instance's answer: its status, content type and body, streamed on as they are. */
export interface RemoteAnswer {
  readonly endpoint: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: http.IncomingMessage;
}

/** GETs `path` (with its query string) of the instance at `endpoint` (host:port); rejects with a 502 when it cannot be reached. */
export function forwardQuery(endpoint: string, path: string, from: string, token: string | undefined, timeoutMs = 30_000): Promise<RemoteAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { [FORWARDED_HEADER]: from };
    if (token) headers.authorization = `Bearer ${token}`;
    let url: URL;
    try {
      url = new URL(path, `http://${endpoint}`);
    } catch {
      reject(new HttpError(502, `the group names instance '${endpoint}' as the owner, which is not a host:port: check that instance's applicationServer.`));
      return;
    }
    const req = http.get(url, { headers, timeout: timeoutMs }, (res) => {
      req.setTimeout(0); // the timeout is for the answer to start: a streamed range goes at the pace of our client
      resolve({ endpoint, status: res.statusCode ?? 502, contentType: String(res.headers['content-type'] ?? 'application/json'), body: res });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ECONNREFUSED' ? 'connection refused (is it running with --http on that address?)' : e.message;
      reject(new HttpError(502, `instance ${endpoint} (applicationServer of the owner) cannot be reached: ${why}. If it just stopped, retry once the group has rebalanced.`));
    });
  });
}

/** The body of an error answer, as text (the other instance's `{ error }` message when it is JSON). */
export async function errorText(a: RemoteAnswer): Promise<string> {
  let body = '';
  a.body.setEncoding('utf8');
  for await (const c of a.body) body += c as string;
  try {
    return (JSON.parse(body) as { error?: string }).error ?? body.trim();
  } catch {
    return body.trim();
  }
}
