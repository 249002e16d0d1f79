/** Loads a user's app module (its default export must be defineApp(...)): the CLI and every stream thread use this. */
import type { App } from './app.ts';
import { importUserModule } from './load-module.ts';

/** `file` is a path or a file: URL. `.js`/`.mjs` load with plain Node, `.ts`/`.mts` through tsx (load-module.ts). */
export async function loadApp(file: string): Promise<App> {
  let mod: { default?: unknown };
  try {
    mod = await importUserModule(file);
  } catch (e) {
    throw new Error(`cannot load app module ${file}: ${(e as Error).message}`);
  }
  const app = mod.default as Partial<App> | undefined;
  if (!app || typeof app.topology !== 'function' || typeof app.start !== 'function') {
    throw new Error(`${file} must export default defineApp({ applicationId, build(builder) { ... } }).`);
  }
  return app as App;
}
