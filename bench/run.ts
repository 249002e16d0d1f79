/** Benchmark dispatcher: `npm run bench -- <name>` runs bench/<name>.ts; without a name, all of them. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = fs.readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3)).sort();
for (const name of names.length ? names : all) {
  if (!all.includes(name)) {
    process.stderr.write(`unknown benchmark '${name}'; available: ${all.join(', ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`== bench ${name}\n`);
  await import(pathToFileURL(path.join(here, `${name}.ts`)).href);
}
