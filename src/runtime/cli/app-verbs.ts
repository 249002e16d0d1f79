import type { Command } from 'commander';

/** run/describe verbs: owned by the runtime issue. */
export function registerAppVerbs(_program: Command): void {}
