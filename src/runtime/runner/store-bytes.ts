/** Bytes on disk under a store's directory (LevelDB files), for the store-size metric; 0 when absent. */
import fs from 'node:fs';
import path from 'node:path';

export function storeBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += storeBytes(p);
    else if (e.isFile()) {
      try {
        total += fs.statSync(p).size;
      } catch {
        // a LevelDB file compacted away between readdir and stat
      }
    }
  }
  return total;
}
