// `npm run build`: compiles src/ into dist/ (ESM JavaScript + .d.ts, tsconfig.build.json), copies the plain-JS
// worker entry beside its module, and keeps only the declaration files that the package root's types reach
// (src/index.ts is the public surface; members marked @internal are stripped by the compiler).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

fs.copyFileSync(path.join(root, 'src/app/worker-entry.js'), path.join(dist, 'app/worker-entry.js'));

const reached = new Set();
const queue = [path.join(dist, 'index.d.ts')];
while (queue.length > 0) {
  const file = queue.pop();
  if (reached.has(file)) continue;
  reached.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g))
    queue.push(path.resolve(path.dirname(file), m[1].replace(/\.(ts|js)$/, '.d.ts')));
}
let pruned = 0;
// Declaration files keep the sources' `.ts` specifiers; `.js` ones (what the compiled JavaScript imports) suit
// every TypeScript version a user may compile with.
const toJs = (text) => text.replace(/(from\s+|import\(\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith('.d.ts') && !reached.has(p)) { fs.rmSync(p); pruned++; }
    else if (p.endsWith('.d.ts')) fs.writeFileSync(p, toJs(fs.readFileSync(p, 'utf8')));
  }
};
walk(dist);
process.stdout.write(`built dist/: ${reached.size} declaration files public, ${pruned} internal ones left out\n`);
