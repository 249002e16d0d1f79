/**
 * rxjs, loaded on first use: the bridges (observe, sendFrom) need it, a stream thread or the CLI that never calls
 * them should not pay its load time (~50 ms) at start. The `node` build is the one a user's `import 'rxjs'` gets,
 * so Observables are the same class on both sides.
 */
import { createRequire } from 'node:module';

type Rx = typeof import('rxjs');
let rx: Rx | null = null;

export function rxjs(): Rx {
  return (rx ??= createRequire(import.meta.url)('rxjs') as Rx);
}
