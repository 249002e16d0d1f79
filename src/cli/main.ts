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
import { registerQuery } from '../http/query-cli.ts';
import { rootLogger, wasReported } from '../runtime/logging/logger.ts';

const EXAMPLES = `
Examples:
  streams-run app.ts                                   run an app on the built-in log in ./.tributary
  streams-run app.ts --threads 2 --guarantee exactly_once --create-topics
  streams-run describe app.ts --format mermaid
  streams-run topics create orders --partitions 4
  echo 'the quick brown fox' | streams-run produce text-lines
  streams-run consume word-counts --from-beginning --value-format int64`;

export function buildProgram(): Command {
  const program = new Command('streams-run')
    .description('Tributary: Kafka Streams for TypeScript, with a built-in partitioned log')
    .usage('<app.ts|app.mjs> [options]     run an app (the default command; see run --help)\n       streams-run <command> [options]')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES);
  registerTopics(program);
  registerProduce(program);
  registerConsume(program);
  registerAppVerbs(program);
  registerQuery(program);
  return program;
}

try {
  const program = buildProgram();
  if (process.argv.length <= 2) program.help({ error: true });
  await program.parseAsync(process.argv);
} catch (e) {
  if (!wasReported(e)) rootLogger().error((e as Error).message);
  process.exitCode = 1;
}
