/**
 * Imports a user's module (an app, or its sampleInput) by path. `.js`/`.mjs` load with plain Node; for
 * `.ts`/`.mts`/`.cts` the compiled CLI registers tsx's ESM hooks first (once). From the sources (a checkout
 * of the repository) bin/streams-run.js has registered tsx already.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = /\.[cm]?tsx?$/;
let tsxRegistered = import.meta.url.endsWith('.ts');

/** `file` is a path or a file: URL. */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(file) && !tsxRegistered) {
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  const url = file.startsWith('file:') ? file : pathToFileURL(path.resolve(file)).href;
  return (await import(url)) as Record<string, unknown>;
}
