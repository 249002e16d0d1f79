/**
 * Key and value formats of `produce` and `consume` (API.md section 6): string, json, int32, int64, float64,
 * base64, and for keys `windowed:<F>` (inner key + 8-byte start, Kafka's TimeWindowedSerde) and `session:<F>`
 * (inner key + 8-byte end + 8-byte start). Byte layouts are the serdes' (Java's: UTF-8, big-endian numbers).
 */
export type BaseFormat = 'string' | 'json' | 'int32' | 'int64' | 'float64' | 'base64';
export type Format = { readonly base: BaseFormat; readonly window?: 'windowed' | 'session'; readonly name: string };

const BASES: readonly BaseFormat[] = ['string', 'json', 'int32', 'int64', 'float64', 'base64'];
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses `--key-format` / `--value-format`; window formats only for keys. */
export function parseFormat(text: string, forKeys: boolean): Format {
  const m = /^(windowed|session):(.+)$/.exec(text);
  const base = (m ? m[2] : text) as BaseFormat;
  const window = m ? (m[1] as 'windowed' | 'session') : undefined;
  if (!BASES.includes(base) || (window && !forKeys)) {
    const allowed = BASES.join(', ') + (forKeys ? ', windowed:<F>, session:<F>' : '');
    throw new Error(`unknown ${forKeys ? 'key' : 'value'} format '${text}': use one of ${allowed}`);
  }
  return { base, window, name: text };
}

export const optionFormat = (forKeys: boolean) => (text: string): Format => parseFormat(text, forKeys);

// ---- encoding (produce) ----

const utf8 = (s: string) => Buffer.from(s, 'utf8');

function int64Bytes(n: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(n, 0);
  return b;
}

function parseInteger(v: unknown, what: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  if (typeof v === 'number') throw new Error(`${what} ${v} is not an exact integer (beyond 2^53 write it as a string: "9007199254740993")`);
  throw new Error(`${what} ${JSON.stringify(v)} is not an integer`);
}

function encodeBase(v: unknown, f: BaseFormat, what: string, text: boolean): Buffer {
  switch (f) {
    case 'string':
      if (typeof v !== 'string') throw new Error(`${what} ${JSON.stringify(v)} is not a string (format string; use json for other values)`);
      return utf8(v);
    case 'json':
      if (text) {
        try { JSON.parse(v as string); } catch (e) { throw new Error(`${what} is not JSON (format json): ${(e as Error).message}`); }
        return utf8(v as string);
      }
      return utf8(JSON.stringify(v));
    case 'int32': {
      const n = parseInteger(v, what);
      if (n < -(2n ** 31n) || n >= 2n ** 31n) throw new Error(`${what} ${n} is outside the int32 range`);
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(Number(n), 0);
      return b;
    }
    case 'int64': {
      const n = parseInteger(v, what);
      if (n < INT64_MIN || n > INT64_MAX) throw new Error(`${what} ${n} is outside the int64 range`);
      return int64Bytes(n);
    }
    case 'float64': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isNaN(n) && v !== 'NaN') throw new Error(`${what} ${JSON.stringify(v)} is not a number (format float64)`);
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleBE(n, 0);
      return b;
    }
    case 'base64':
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v.trim())) throw new Error(`${what} ${JSON.stringify(v)} is not base64`);
      return Buffer.from(v.trim(), 'base64');
  }
}

function windowStart(w: unknown, what: string, field: 'start' | 'end'): bigint {
  const n = (w as Record<string, unknown> | null)?.[field];
  if (n === undefined) throw new Error(`${what} needs window.${field}`);
  return parseInteger(n, `${what} window.${field}`);
}

/**
 * A key or value of a produce envelope. Without a format: a string as UTF-8, anything else as JSON. Window
 * formats take `{ key, window: { start } }` (time windows) or `{ key, window: { start, end } }` (sessions).
 */
export function encodeField(v: unknown, f: Format | undefined, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (!f) return utf8(typeof v === 'string' ? v : JSON.stringify(v));
  if (!f.window) return encodeBase(v, f.base, what, false);
  const o = v as { key?: unknown; window?: unknown };
  if (typeof v !== 'object' || !('key' in o) || typeof o.window !== 'object')
    throw new Error(`${what} must be { "key": ..., "window": { "start": ...${f.window === 'session' ? ', "end": ...' : ''} } } for format ${f.name}`);
  const inner = encodeBase(o.key, f.base, `${what} key`, false);
  const start = windowStart(o.window, what, 'start');
  if (f.window === 'windowed') return Buffer.concat([inner, int64Bytes(start)]);
  return Buffer.concat([inner, int64Bytes(windowStart(o.window, what, 'end')), int64Bytes(start)]);
}

/** A plain (non-envelope) line as a value: the text itself for string and json (checked), parsed for numbers. */
export function encodeLine(line: string, f: Format | undefined): Buffer {
  return encodeBase(line, f?.base ?? 'string', 'the line', true);
}

// ---- decoding (consume) ----

function int64Of(b: Buffer, at: number): number | bigint {
  const n = b.readBigInt64BE(at);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function needLength(b: Buffer, n: number, f: string): void {
  if (b.length !== n) throw new Error(`${b.length} bytes, but ${f} needs ${n}`);
}

function decodeBase(b: Buffer, f: BaseFormat): unknown {
  switch (f) {
    case 'string': return b.toString('utf8');
    case 'json': return JSON.parse(b.toString('utf8')) as unknown;
    case 'int32': needLength(b, 4, f); return b.readInt32BE(0);
    case 'int64': needLength(b, 8, f); return int64Of(b, 0);
    case 'float64': {
      needLength(b, 8, f);
      const n = b.readDoubleBE(0);
      return Number.isFinite(n) ? n : String(n); // NaN and ±Infinity have no JSON form
    }
    case 'base64': return b.toString('base64');
  }
}

/** Decodes bytes with a format; throws when they do not fit it. int64 beyond 2^53 comes back as a bigint. */
export function decodeBytes(bytes: Uint8Array | null, f: Format): unknown {
  if (bytes === null) return null;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (!f.window) return decodeBase(b, f.base);
  const tail = f.window === 'windowed' ? 8 : 16;
  if (b.length < tail) throw new Error(`${b.length} bytes, but a ${f.window} key needs at least ${tail}`);
  const key = decodeBase(b.subarray(0, b.length - tail), f.base);
  if (f.window === 'windowed') return { key, window: { start: int64Of(b, b.length - 8) } };
  return { key, window: { start: int64Of(b, b.length - 8), end: int64Of(b, b.length - 16) } };
}

/** JSON.stringify that prints bigints as exact JSON numbers. */
export function jsonLine(v: unknown): string {
  const mark = `\u2063big${Math.random().toString(36).slice(2)}:`;
  let big = false;
  const s = JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x !== 'bigint') return x;
    big = true;
    return mark + x.toString();
  });
  return big ? s.replace(new RegExp(`"${mark}(-?\\d+)"`, 'g'), '$1') : s;
}
