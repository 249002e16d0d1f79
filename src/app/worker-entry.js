// A stream thread's entry point (plain JavaScript, copied as is into dist/ by the build). Module hooks are per
// thread, so tsx is registered here when the thread needs it: for a TypeScript app module, or when this file
// runs from the sources (worker.ts beside it) rather than from the compiled package (worker.js).
import { existsSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const compiled = new URL('./worker.js', import.meta.url);
const fromSource = !existsSync(compiled);
if (fromSource || /\.[cm]?tsx?$/.test(String(workerData?.appModule ?? ''))) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(fromSource ? new URL('./worker.ts', import.meta.url).href : compiled.href);
