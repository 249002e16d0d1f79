#!/usr/bin/env node
// The `streams-run` / `tributary` command. An installed package runs its compiled code (dist/) with plain
// Node; `.ts` apps are loaded through tsx by the CLI itself. In a checkout of the repository (src/ present,
// which the package does not ship) it runs the TypeScript sources through tsx instead, so that no build step
// is needed while developing; TRIBUTARY_CLI=dist forces the compiled code there too.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (process.env.TRIBUTARY_CLI !== 'dist' && existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}
