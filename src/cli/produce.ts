/**
 * `produce <topic>`: one record per stdin line (the rule and formats in produce-input.ts). The whole input is
 * checked before anything is written: a bad line is an error naming it (nothing written), or is skipped with a
 * warning under --skip-bad. A missing topic is an error unless --create-topics (with --partitions).
 */
import readline from 'node:readline';
import type { Command } from 'commander';
import { LogStore, type ProducerRecord } from '../log-store/index.ts';
import { pastRetentionMessage } from '../log-store/broker/retention-warning.ts';
import { optionFormat, type Format } from './formats.ts';
import { checkTopic, DEFAULT_DATA_DIR, openLog } from './open-log.ts';
import { positiveInt } from './options.ts';
import { parseLine } from './produce-input.ts';

interface ProduceOptions {
  dataDir: string; bootstrap?: string; config: string[]; batch: number; keyFormat?: Format; valueFormat?: Format; skipBad?: boolean;
  createTopics?: boolean; partitions?: number;
}

/** The log's warning for records already past the topic's retention (retention-warning.ts), for this terminal. */
async function warnPastRetention(log: LogStore, topic: string, records: ProducerRecord[]): Promise<void> {
  if (!(await log.admin.listTopics({ internal: true })).includes(topic)) return;
  const { retentionMs, cleanupPolicy, timestampType } = (await log.admin.describeTopic(topic)).config;
  if (retentionMs < 0 || !cleanupPolicy.includes('delete') || timestampType !== 'CreateTime') return;
  const now = Date.now();
  const old = records.find((r) => r.timestamp !== undefined && r.timestamp < now - retentionMs);
  if (old) process.stderr.write(`streams-run produce: warning: ${pastRetentionMessage(topic, old.timestamp!, retentionMs)}\n`);
}

export async function readRecords(topic: string, input: NodeJS.ReadableStream, o: ProduceOptions, warn: (line: string) => void): Promise<ProducerRecord[]> {
  const records: ProducerRecord[] = [];
  let lineNo = 0;
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.length === 0) continue;
    try {
      records.push(parseLine(topic, line, lineNo, o));
    } catch (e) {
      if (!o.skipBad) throw new Error(`${(e as Error).message} (nothing was written; --skip-bad skips such lines)`);
      warn(`streams-run produce: skipped ${(e as Error).message}`);
    }
  }
  return records;
}

export function registerProduce(program: Command): void {
  program.command('produce <topic>')
    .description('append stdin lines to a topic: {"key"?, "value", "timestamp"?, "headers"?} envelopes, or plain lines as values')
    .option('--data-dir <dir>', 'data dir of the built-in log', DEFAULT_DATA_DIR)
    .option('--bootstrap <host:port[,host:port...]>', 'a Kafka cluster instead of the built-in log')
    .option('--config <key=value>', 'with --bootstrap, a Kafka connection setting, repeatable (see topics --help)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--key-format <f>', 'encode keys as string | json | int32 | int64 | float64 | base64 | windowed:<F> | session:<F> (default: a string as is, other values as JSON)', optionFormat(true))
    .option('--value-format <f>', 'encode values as string | json | int32 | int64 | float64 | base64 (default: a string as is, other values as JSON)', optionFormat(false))
    .option('--skip-bad', 'skip lines that break the envelope rule or the formats, with a warning, instead of failing')
    .option('--create-topics', 'create the topic when it is missing')
    .option('--partitions <n>', 'partitions of a topic created by --create-topics (default 1)', positiveInt('--partitions'))
    .option('--batch <n>', 'records per batch', positiveInt('--batch'), 1000)
    .action(async (topic: string, o: ProduceOptions) => {
      if (o.partitions !== undefined && !o.createTopics) throw new Error('--partitions only applies with --create-topics.');
      const log = await openLog(o.dataDir, { create: o.createTopics, bootstrap: o.bootstrap, config: o.config });
      try {
        const exists = (await log.admin.listTopics({ internal: true })).includes(topic);
        if (!exists && !o.createTopics) await checkTopic(log, topic, 'create it with --create-topics [--partitions N] or \'streams-run topics create\'.');
        const records = await readRecords(topic, process.stdin, o, (l) => process.stderr.write(l + '\n'));
        if (!exists) {
          await log.admin.createTopic(topic, { partitions: o.partitions ?? 1 });
          process.stderr.write(`created topic ${topic} with ${o.partitions ?? 1} partition(s)\n`);
        }
        if (log instanceof LogStore && log.mode === 'client') await warnPastRetention(log, topic, records); // the owner warns in its own terminal
        const p = log.producer();
        for (let i = 0; i < records.length; i += o.batch) await p.sendBatch(records.slice(i, i + o.batch));
        process.stderr.write(`produced ${records.length} record(s) to ${topic}\n`);
      } finally { await log.close(); }
    });
}
