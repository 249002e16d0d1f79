/**
 * The `streams-run` / `tributary` CLI (loaded by bin/streams-run.js). Log verbs live in topics.ts,
 * produce.ts and consume.ts; the app verbs (run, describe) are registered by app-verbs.ts.
 */
import { Command } from 'commander';
import { registerAppVerbs } from './app-verbs.ts';
import { registerConsume } from './consume.ts';
import { packageVersion } from './package-info.ts';
import { registerProduce } from './produce.ts';
import { registerTopics } from './topics.ts';

export function buildProgram(): Command {
  const program = new Command('streams-run')
    .description('Tributary: Kafka Streams for TypeScript, with a built-in partitioned log')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();
  registerTopics(program);
  registerProduce(program);
  registerConsume(program);
  registerAppVerbs(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`streams-run: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
