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

/** Splits a byte stream into lines. */
export function lineReader(onLine: (line: string) => void): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    const s = rest + chunk.toString('utf8');
    const parts = s.split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p) onLine(p);
  };
}
