/** Loads a user's app module (its default export must be defineApp(...)): the CLI and every stream thread use this. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from './app.ts';

/** `file` is a path or a file: URL. .ts/.mts modules load through tsx (registered by the CLI's launcher). */
export async function loadApp(file: string): Promise<App> {
  const url = file.startsWith('file:') ? file : pathToFileURL(path.resolve(file)).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    throw new Error(`cannot load app module ${file}: ${(e as Error).message}`);
  }
  const app = mod.default as Partial<App> | undefined;
  if (!app || typeof app.topology !== 'function' || typeof app.start !== 'function') {
    throw new Error(`${file} must export default defineApp({ applicationId, build(builder) { ... } }).`);
  }
  return app as App;
}
