/** Option value parsers shared by the CLI verbs: each error names the option and what it accepts. */
import fs from 'node:fs';

export const positiveInt = (option: string) => (v: string): number => {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${option} must be an integer >= 1, got '${v}'.`);
  return n;
};

/**
 * `--config key=value`: the value parses as JSON when it can (numbers, true/false, null, objects such as
 * `processingExceptionHandler={"deadLetterTopic":"dlq"}`), else it is the string itself. A dotted key sets a nested
 * value (`kafka.sasl.mechanism=scram-sha-256` is `{ kafka: { sasl: { mechanism } } }`), and the TLS files of
 * `kafka.ssl` (ca, cert, key, pfx) read a file when the value is `@path` (`kafka.ssl.ca=@ca.pem`).
 */
/** Keys whose value is always the string as given (a password of digits stays a string). */
const STRING_KEYS = new Set(['kafka.sasl.username', 'kafka.sasl.password', 'clientId', 'applicationServer']);

export function parseConfigPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`--config expects key=value, got '${p}'.`);
    const key = p.slice(0, i).trim();
    const raw = p.slice(i + 1);
    let value: unknown = raw;
    if (STRING_KEYS.has(key)) {
      setPath(out, key, raw);
      continue;
    }
    if (/^\s*[{["\d-]|^\s*(true|false|null)\s*$/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch (e) {
        if (/^\s*[{[]/.test(raw)) throw new Error(`--config ${key}: the value looks like JSON but does not parse: ${(e as Error).message}`);
      }
    }
    setPath(out, key, value);
  }
  readTlsFiles(out);
  return out;
}

function setPath(out: Record<string, unknown>, key: string, value: unknown): void {
  const path = key.split('.');
  if (path.some((k) => !k)) throw new Error(`--config ${key}: empty part in the dotted key.`);
  let at = out;
  for (const k of path.slice(0, -1)) {
    const next = at[k];
    // kafka.ssl=true then kafka.ssl.ca=...: TLS with options
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
}

function readTlsFiles(out: Record<string, unknown>): void {
  const ssl = (out.kafka as { ssl?: unknown } | undefined)?.ssl;
  if (typeof ssl !== 'object' || ssl === null) return;
  const tls = ssl as Record<string, unknown>;
  for (const k of ['ca', 'cert', 'key', 'pfx']) {
    const v = tls[k];
    if (typeof v !== 'string' || !v.startsWith('@')) continue;
    try {
      tls[k] = k === 'pfx' ? fs.readFileSync(v.slice(1)) : fs.readFileSync(v.slice(1), 'utf8');
    } catch (e) {
      throw new Error(`--config kafka.ssl.${k}=${v}: cannot read ${v.slice(1)} (${(e as Error).message}); give the path of a PEM file${k === 'pfx' ? ' (PKCS12 for pfx)' : ''}.`);
    }
  }
}

/** The config of a secret-bearing object with its password hidden, for log lines. */
export function redactSecrets<T>(config: T): T {
  return JSON.parse(JSON.stringify(config, (k, v: unknown) => ((k === 'password' || k === 'key' || k === 'pfx' || k === 'passphrase') && v ? '***' : v))) as T;
}
