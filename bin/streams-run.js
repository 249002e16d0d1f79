#!/usr/bin/env node
// Launcher: registers tsx so that the CLI (TypeScript source) and user apps (app.ts) load without a build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
