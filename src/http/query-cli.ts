/**
 * `streams-run query <store> [key] [--from k] [--to k] [--windows|--sessions] [--http url]`: the command-line
 * client of the HTTP endpoints (API.md section 8). It prints what they return: one JSON object for a key,
 * NDJSON lines for a range, windows or sessions, streamed as they arrive.
 */
import http from 'node:http';
import type { Command } from 'commander';

export interface QueryOptions {
  from?: string;
  to?: string;
  windows?: boolean;
  sessions?: boolean;
  /** Only the rows of the instance asked (no routing to other instances). */
  local?: boolean;
  http: string;
  token?: string;
}

/** The URL of the endpoint a query maps to. */
export function queryUrl(base: string, store: string, key: string | undefined, o: Omit<QueryOptions, 'http'>): URL {
  const root = /^https?:\/\//.test(base) ? base : `http://${base}`;
  const seg = (s: string) => encodeURIComponent(s);
  let p = `/stores/${seg(store)}`;
  if (key !== undefined) p += `/keys/${seg(key)}${o.windows ? '/windows' : o.sessions ? '/sessions' : ''}`;
  const url = new URL(p, root.endsWith('/') ? root : root + '/');
  if (o.from !== undefined) url.searchParams.set('from', o.from);
  if (o.to !== undefined) url.searchParams.set('to', o.to);
  if (o.local) url.searchParams.set('local', 'true');
  return url;
}

/** Streams the endpoint's body to `out`; rejects with the server's error message for a non-2xx answer. */
export function runQuery(url: URL, token: string | undefined, out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      if ((res.statusCode ?? 500) >= 300) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          let msg = body.trim();
          try {
            msg = (JSON.parse(body) as { error?: string }).error ?? msg;
          } catch {
            // not JSON: print as is
          }
          reject(new Error(`${res.statusCode} from ${url.pathname}: ${msg}`));
        });
        return;
      }
      res.pipe(out, { end: false });
      res.on('end', () => resolve());
      res.on('error', reject);
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(new Error(`cannot reach ${url.origin}: ${e.code === 'ECONNREFUSED' ? 'no app is serving there (start it with --http)' : e.message}.`)));
  });
}

export function registerQuery(program: Command): void {
  program
    .command('query <store> [key]')
    .description('ask a running app (started with --http) for a key, a key range, or a key\'s windows or sessions')
    .option('--from <k>', 'range start (a key, or a time for --windows)')
    .option('--to <k>', 'range end (a key, or a time for --windows)')
    .option('--windows', 'the key\'s windows (window stores)')
    .option('--sessions', 'the key\'s sessions (session stores)')
    .option('--local', 'only the stores of the instance asked (by default, on Kafka with applicationServer, a key is answered by its owner and a range by every instance)')
    .option('--http <url>', 'the app\'s HTTP address (any instance)', 'http://127.0.0.1:7070')
    .option('--token <t>', 'bearer token (httpAuthToken); default $TRIBUTARY_HTTP_TOKEN')
    .action(async (store: string, key: string | undefined, o: QueryOptions) => {
      await runQuery(queryUrl(o.http, store, key, o), o.token ?? process.env.TRIBUTARY_HTTP_TOKEN, process.stdout);
    });
}
