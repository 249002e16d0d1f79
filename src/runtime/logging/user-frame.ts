/**
 * The user's own line in an error's stack: the first frame outside Tributary's sources, node_modules and Node's
 * internals, so that "v.n.toUpperCase is not a function" comes with "at examples/x.ts:12:34". App modules load
 * through tsx (streams-run, worker threads) or vite (vitest), both of which install source maps, so the frame
 * names the .ts line the user wrote. Paths under the working directory are shown relative to it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Tributary's own sources: <package>/src/ (this file is <package>/src/runtime/logging/user-frame.ts). */
const OWN_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..') + path.sep;

const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?\s*$/;

function ownOrInternal(file: string): boolean {
  return file.startsWith(OWN_SRC) || file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith('node:')
    || !path.isAbsolute(file);
}

/** `file:line:column` of the first user frame of `e`'s stack, or null (no stack, or only library frames). */
export function userFrame(e: unknown, cwd = process.cwd()): string | null {
  const stack = typeof e === 'object' && e !== null ? (e as { stack?: unknown }).stack : undefined;
  if (typeof stack !== 'string') return null;
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (ownOrInternal(file)) continue;
    const rel = path.relative(cwd, file);
    const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
    return `${shown.split(path.sep).join('/')}:${m[2]}:${m[3]}`;
  }
  return null;
}
