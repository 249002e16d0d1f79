/** `--http` addresses and the loopback rule (kept apart from the server so the CLI loads no HTTP code to parse them). */
import type { HttpOptions } from '../app/http-hook.ts';

/** `--http` values: `7070`, `:7070`, `host:7070`, `[::1]:7070`. */
export function parseHttpAddress(s: string): HttpOptions {
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d+)$/.exec(s.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`--http expects [host:]port (e.g. 127.0.0.1:7070), got '${s}'.`);
  const host = m[1] ?? (m[2] || undefined);
  return host ? { host, port } : { port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
