import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tmpDir(name = 'log'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `trib-${name}-`));
}

export const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));
