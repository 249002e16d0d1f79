/**
 * Length-prefixed byte parts, the layout of internal wrapper values (suppress buffer entries, foreign-key
 * subscription/response records): after a fixed header, each part is a 4-byte big-endian length (-1 = null)
 * followed by its bytes.
 */

/** A buffer of `headerBytes` (left for the caller to fill) followed by the parts. */
export function encodeParts(parts: ReadonlyArray<Uint8Array | null>, headerBytes: number): Uint8Array {
  let n = headerBytes;
  for (const p of parts) n += 4 + (p?.length ?? 0);
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  let at = headerBytes;
  for (const p of parts) {
    dv.setInt32(at, p === null ? -1 : p.length);
    at += 4;
    if (p) {
      out.set(p, at);
      at += p.length;
    }
  }
  return out;
}

/** Reads `count` parts starting at byte `at` (views into `b`, no copies). */
export function decodeParts(b: Uint8Array, at: number, count: number): Array<Uint8Array | null> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Array<Uint8Array | null> = [];
  for (let i = 0; i < count; i++) {
    const n = dv.getInt32(at);
    at += 4;
    if (n < 0) out.push(null);
    else {
      out.push(b.subarray(at, at + n));
      at += n;
    }
  }
  return out;
}

/** Byte-wise equality; null equals only null. */
export function bytesEqual(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
