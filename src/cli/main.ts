/**
 * The `streams-run` / `tributary` CLI (loaded by bin/streams-run.js). Log verbs live in topics.ts,
 * produce.ts and consume.ts; the app verbs (run, describe) are registered by app-verbs.ts.
 */
import { Command } from 'commander';
import { registerAppVerbs } from './app-verbs.ts';
import { registerConsume } from './consume.ts';
import { registerProduce } from './produce.ts';
import { registerTopics } from './topics.ts';
import { registerQuery } from '../http/query-cli.ts';
import { rootLogger, wasReported } from '../runtime/logging/logger.ts';

export function buildProgram(): Command {
  const program = new Command('streams-run')
    .description('Tributary: Kafka Streams for TypeScript, with a built-in partitioned log')
    .showHelpAfterError();
  registerTopics(program);
  registerProduce(program);
  registerConsume(program);
  registerAppVerbs(program);
  registerQuery(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  if (!wasReported(e)) rootLogger().error((e as Error).message);
  process.exitCode = 1;
}
