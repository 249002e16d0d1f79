/** An error with the HTTP status it answers with (400 bad key, 404 missing store or key, 503 not ready...). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** JSON for values of any serde: bigint as a decimal string, bytes as base64 (Immutable values have toJSON). */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64');
    return x;
  });
}
