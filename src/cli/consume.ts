/**
 * `consume <topic> [--group g] [--from-beginning] [--follow]`: JSON lines on stdout, keys and values decoded
 * with --key-format / --value-format (formats.ts). Every record is printed: a key or value that does not
 * decode becomes a placeholder naming topic, partition, offset and the reason (and a warning on stderr).
 */
import type { Command } from 'commander';
import type { ConsumerRecord } from '../log-store/index.ts';
import { decodeBytes, jsonLine, optionFormat, parseFormat, type Format } from './formats.ts';
import { checkTopic, DEFAULT_DATA_DIR, openLog } from './open-log.ts';
import { positiveInt } from './options.ts';

export type { Format } from './formats.ts';

const STRING = parseFormat('string', true);
const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8'));

/** Decodes a record's key or value; a placeholder string (and onError) when the bytes do not fit the format. */
function field(r: ConsumerRecord, which: 'key' | 'value', f: Format, onError: (msg: string) => void): unknown {
  try {
    return decodeBytes(r[which], f);
  } catch (e) {
    const msg = `${r.topic}-${r.partition} offset ${r.offset}: the ${which} (${r[which]!.length} bytes) is not ${f.name}: ${(e as Error).message}`;
    onError(msg);
    return `<undecodable ${which} at ${msg}>`;
  }
}

export function formatRecord(r: ConsumerRecord, keyFormat: Format = STRING, valueFormat: Format = STRING, onError: (msg: string) => void = () => undefined): string {
  const headers: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = text(v);
  return jsonLine({
    topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp,
    key: field(r, 'key', keyFormat, onError), value: field(r, 'value', valueFormat, onError), headers,
  });
}

interface ConsumeOptions {
  dataDir: string; bootstrap?: string; config: string[]; group?: string; fromBeginning?: boolean; follow?: boolean; max?: number; readCommitted?: boolean;
  keyFormat?: Format; valueFormat?: Format;
}

export function registerConsume(program: Command): void {
  program.command('consume <topic>')
    .description('print the records of a topic as JSON lines')
    .option('--data-dir <dir>', 'data dir of the built-in log', DEFAULT_DATA_DIR)
    .option('--bootstrap <host:port[,host:port...]>', 'a Kafka cluster instead of the built-in log')
    .option('--config <key=value>', 'with --bootstrap, a Kafka connection setting, repeatable (see topics --help)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--group <group>', 'consumer group: start at its committed offsets and commit what was printed')
    .option('--from-beginning', 'start at the earliest offset when there is no committed offset')
    .option('--follow', 'keep waiting for new records (Ctrl-C to stop)')
    .option('--max <n>', 'stop after n records', positiveInt('--max'))
    .option('--read-committed', 'skip pending and aborted transactional records')
    .option('--key-format <f>', 'decode keys as string | json | int32 | int64 | float64 | base64 | windowed:<F> | session:<F> (default string)', optionFormat(true))
    .option('--value-format <f>', 'decode values as string | json | int32 | int64 | float64 | base64 (default string)', optionFormat(false))
    .action(async (topic: string, o: ConsumeOptions) => {
      const log = await openLog(o.dataDir, { bootstrap: o.bootstrap, config: o.config });
      let undecodable = 0;
      const onError = (msg: string) => {
        undecodable++;
        process.stderr.write(`streams-run consume: ${msg}\n`);
      };
      try {
        await checkTopic(log, topic, 'check the name (\'streams-run topics list\').');
        const c = log.consumer({
          groupId: o.group, autoOffsetReset: o.fromBeginning ? 'earliest' : 'latest',
          isolation: o.readCommitted ? 'read_committed' : 'read_uncommitted',
        });
        let stop = false;
        const onSignal = () => { stop = true; };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          c.subscribe([topic]);
          let n = 0;
          while (!stop) {
            const batch = await c.poll({ timeoutMs: o.follow ? 500 : 200, maxRecords: o.max ? Math.min(500, o.max - n) : 500 });
            if (batch.length) {
              process.stdout.write(batch.map((r) => formatRecord(r, o.keyFormat ?? STRING, o.valueFormat ?? STRING, onError)).join('\n') + '\n');
              n += batch.length;
              if (o.group) await c.commit();
            } else if (!o.follow) break;
            if (o.max && n >= o.max) break;
          }
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await c.close();
        }
        if (undecodable > 0) process.stderr.write(`streams-run consume: ${undecodable} key(s)/value(s) did not decode with the given formats; placeholders were printed for them.\n`);
      } finally {
        await log.close();
      }
    });
}
