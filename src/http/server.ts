/**
 * The HTTP server of API.md section 8 on node:http (no framework: a dozen fixed routes, streamed NDJSON with
 * backpressure and server-sent events need nothing more, and node:http adds no dependency). It starts before
 * the app's stores restore (so /health answers and /ready says 503), and is attached to the running app after.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { App, RunningApp } from '../app/app.ts';
import type { HttpAttachment, HttpOptions } from '../app/http-hook.ts';
import { introspect } from '../app/introspect.ts';
import type { RestoreProgress } from '../runtime/runner/restore.ts';
import { HttpError, toJson } from './errors.ts';
import { liveState } from './live.ts';
import { createRegistry } from './metrics.ts';
import { PAGE_HTML } from './page.ts';
import { QueryRouter } from './query-router.ts';
import { respond } from './ndjson.ts';
import { FORWARDED_HEADER } from './forward.ts';
import { Sampler } from './sampler.ts';
import { isLoopback } from './address.ts';

export interface HttpServerOptions {
  app: App;
  http: HttpOptions;
  authToken?: string;
}

export interface HttpServer extends HttpAttachment {
  readonly router: QueryRouter;
}

let vizBundle: string | null = null;
function vizPath(): string {
  // @viz-js/viz's exports map names no subpath: find its dist folder from the main entry.
  return vizBundle ??= path.join(path.dirname(createRequire(import.meta.url).resolve('@viz-js/viz')), 'viz-global.js');
}

export async function startHttpServer(o: HttpServerOptions): Promise<HttpServer> {
  const host = o.http.host ?? '127.0.0.1';
  const port = o.http.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`http port must be an integer 0-65535, got ${String(port)}.`);
  if (!isLoopback(host) && !o.authToken) {
    throw new Error(`http host ${host} is not a loopback address: the stores and metrics would be open to the network. Set httpAuthToken (--config httpAuthToken=<secret>; clients send "Authorization: Bearer <secret>"), or bind 127.0.0.1.`);
  }
  let running: RunningApp | null = null;
  const restore = new Map<string, RestoreProgress>();
  const intro = () => (running ? introspect(running) : null);
  let observe: (ms: number[]) => void = () => undefined;
  const sampler = new Sampler(intro, (ms) => observe(ms));
  const { registry, observeCommits } = createRegistry({ sampler, intro, restore: () => [...restore.values()] });
  observe = observeCommits;
  const router = new QueryRouter(() => running, { authToken: o.authToken });
  const sse = new Set<http.ServerResponse>();
  const expected = o.authToken ? Buffer.from(o.authToken) : null;

  const authorized = (req: http.IncomingMessage, url: URL): boolean => {
    if (!expected) return true;
    const h = req.headers.authorization;
    const given = h?.startsWith('Bearer ') ? h.slice(7) : url.searchParams.get('access_token');
    if (given === null || given === undefined) return false;
    const b = Buffer.from(given);
    return b.length === expected.length && crypto.timingSafeEqual(b, expected);
  };

  const ready = (): { ok: boolean; why: string } => {
    if (!running) return { ok: false, why: 'starting: restoring state stores' };
    if (running.error()) return { ok: false, why: `stopped: ${String((running.error() as Error).message ?? running.error())}` };
    const pending = (sampler.sample()?.details ?? []).flatMap((d) => d.tasks).filter((t) => t.state !== 'running');
    if (pending.length) return { ok: false, why: `tasks restoring: ${pending.map((t) => t.id).join(', ')}` };
    return { ok: true, why: 'all tasks restored and running' };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!authorized(req, url)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(toJson({ error: 'missing or wrong bearer token: send "Authorization: Bearer <httpAuthToken>".' }) + '\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} is not served: every endpoint is GET.`);
    const p = url.pathname;
    if (p === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
    if (p === '/assets/viz.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
      fs.createReadStream(vizPath()).on('error', (e) => res.destroy(e)).pipe(res);
      return;
    }
    if (p === '/health') {
      const err = running?.error();
      return json(res, err ? 503 : 200, err ? { status: 'DOWN', error: String((err as Error).message ?? err) } : { status: 'UP' });
    }
    if (p === '/ready') {
      const r = ready();
      return json(res, r.ok ? 200 : 503, { ready: r.ok, reason: r.why });
    }
    if (p === '/metrics') return send(res, 200, registry.contentType, await registry.metrics());
    if (p === '/topology') {
      return json(res, 200, { applicationId: o.app.applicationId, dot: o.app.topology().describe({ format: 'dot' }), stores: running ? router.stores() : [] });
    }
    if (p === '/events') return events(req, res);
    if (p === '/stores') {
      const instances = router.instances();
      return json(res, 200, { stores: router.stores(), ...(instances.length ? { instances } : {}) });
    }
    const m = /^\/stores\/([^/]+)(?:\/keys\/([^/]+)(\/windows|\/sessions)?)?\/?$/.exec(p);
    if (!m) throw new HttpError(404, `no endpoint ${p}: see /stores, /stores/<store>/keys/<key>, /stores/<store>?from=&to=, /metrics, /health, /ready.`);
    const store = decode(m[1]);
    const key = m[2] === undefined ? undefined : decode(m[2]);
    const q = (n: string) => url.searchParams.get(n) ?? undefined;
    // ?local=true: this instance's stores only; a request another instance forwarded is never forwarded again
    const ctx = { local: q('local') === 'true', forwarded: req.headers[FORWARDED_HEADER] !== undefined };
    const answer = key === undefined
      ? await router.lookup({ type: 'range', store, from: q('from'), to: q('to') }, ctx)
      : m[3] === '/windows' ? await router.lookup({ type: 'windows', store, key, from: q('from'), to: q('to') }, ctx)
        : m[3] === '/sessions' ? await router.lookup({ type: 'sessions', store, key }, ctx)
          : await router.lookup({ type: 'key', store, key }, ctx);
    return respond(req, res, answer);
  };

  const events = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    sse.add(res);
    req.on('close', () => sse.delete(res));
    // the first message at once, not after a second
    liveState(running, intro(), sampler, [...restore.values()]).then((state) => res.write(`data: ${toJson(state)}\n\n`), () => undefined);
  };
  const tick = setInterval(() => {
    if (!sse.size) return;
    liveState(running, intro(), sampler, [...restore.values()]).then((state) => {
      const msg = `data: ${toJson(state)}\n\n`;
      for (const r of sse) r.write(msg);
    }, () => undefined);
  }, 1000);
  tick.unref();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      if (res.headersSent) {
        res.destroy(e as Error);
        return;
      }
      json(res, status, { error: (e as Error).message ?? String(e) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`http: cannot listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (pick another with --http host:port)' : e.message}.`)));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  sampler.start();
  return {
    url, router,
    onRestore(p) {
      restore.set(`${p.topic}-${p.partition}`, p);
    },
    attach(r) {
      running = r;
      // the runner keeps restore progress from now on; the server's copy covers the start
      for (const d of sampler.sample()?.details ?? []) for (const p of d.restore) restore.set(`${p.topic}-${p.partition}`, p);
    },
    async close() {
      clearInterval(tick);
      sampler.stop();
      for (const r of sse) r.end();
      sse.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, `'${s}' is not valid URL encoding (encode keys with encodeURIComponent).`);
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', toJson(body) + '\n');
}

