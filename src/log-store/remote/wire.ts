/** JSON-lines wire format of the local socket; bytes travel as {"$b": base64}. */
export function encodeMessage(m: unknown): string {
  return JSON.stringify(m, function (this: Record<string, unknown>, k: string, v: unknown) {
    const orig = this[k];
    if (orig instanceof Uint8Array) return { $b: Buffer.from(orig.buffer, orig.byteOffset, orig.length).toString('base64') };
    return v;
  }) + '\n';
}

export function decodeMessage(line: string): unknown {
  return JSON.parse(line, (_k, v: unknown) => {
    if (v && typeof v === 'object' && typeof (v as { $b?: unknown }).$b === 'string') return Buffer.from((v as { $b: string }).$b, 'base64');
    return v;
  });
}

/**
 * Splits a byte stream into lines. Linear in the line's size: the pieces of a line that spans many chunks are
 * kept as buffers and joined once, and each chunk is searched for a newline once (a 64 MB record used to take
 * minutes when every chunk re-joined and re-split the whole line so far).
 */
export function lineReader(onLine: (line: string) => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  return (chunk) => {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const line = pending.length === 0 ? piece.toString('utf8') : Buffer.concat([...pending, piece]).toString('utf8');
      pending = [];
      start = nl + 1;
      if (line) onLine(line);
    }
    if (start < chunk.length) pending.push(start === 0 ? chunk : chunk.subarray(start));
  };
}
