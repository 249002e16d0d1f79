/** `consume <topic> [--group g] [--from-beginning] [--follow]`: JSON lines on stdout. */
import type { Command } from 'commander';
import type { ConsumerRecord } from '../../log-store/index.ts';
import { DEFAULT_DATA_DIR, openLog } from './open-log.ts';

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8'));

export type Format = 'string' | 'json' | 'int32' | 'int64' | 'float64' | 'base64';
const FORMATS: readonly Format[] = ['string', 'json', 'int32', 'int64', 'float64', 'base64'];

/** Decodes bytes as the serde of the same name would (Java layouts, big-endian numbers). */
export function decode(b: Uint8Array | null, f: Format): unknown {
  if (b === null) return null;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  switch (f) {
    case 'string': return buf.toString('utf8');
    case 'json': return JSON.parse(buf.toString('utf8')) as unknown;
    case 'int32': return buf.length === 4 ? buf.readInt32BE(0) : `<${buf.length} bytes, not an int32>`;
    case 'int64': return buf.length === 8 ? Number(buf.readBigInt64BE(0)) : `<${buf.length} bytes, not an int64>`;
    case 'float64': return buf.length === 8 ? buf.readDoubleBE(0) : `<${buf.length} bytes, not a float64>`;
    case 'base64': return buf.toString('base64');
  }
}

const parseFormat = (v: string): Format => {
  if (!FORMATS.includes(v as Format)) throw new Error(`format must be one of ${FORMATS.join(', ')}, got '${v}'`);
  return v as Format;
};

export function formatRecord(r: ConsumerRecord, keyFormat: Format = 'string', valueFormat: Format = 'string'): string {
  const headers: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = text(v);
  return JSON.stringify({ topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: decode(r.key, keyFormat), value: decode(r.value, valueFormat), headers });
}

export function registerConsume(program: Command): void {
  program.command('consume <topic>')
    .description('print the records of a topic as JSON lines')
    .option('--data-dir <dir>', 'data dir of the built-in log', DEFAULT_DATA_DIR)
    .option('--bootstrap <host:port[,host:port...]>', 'a Kafka cluster instead of the built-in log')
    .option('--group <group>', 'consumer group: start at its committed offsets and commit what was printed')
    .option('--from-beginning', 'start at the earliest offset when there is no committed offset')
    .option('--follow', 'keep waiting for new records (Ctrl-C to stop)')
    .option('--max <n>', 'stop after n records', (v) => Number(v))
    .option('--read-committed', 'skip pending and aborted transactional records')
    .option('--key-format <f>', 'decode keys as string | json | int32 | int64 | float64 | base64', parseFormat, 'string')
    .option('--value-format <f>', 'decode values as string | json | int32 | int64 | float64 | base64', parseFormat, 'string')
    .action(async (topic: string, o: { dataDir: string; bootstrap?: string; group?: string; fromBeginning?: boolean; follow?: boolean; max?: number; readCommitted?: boolean; keyFormat: Format; valueFormat: Format }) => {
      const log = await openLog(o.dataDir, o.bootstrap);
      const c = log.consumer({
        groupId: o.group, autoOffsetReset: o.fromBeginning ? 'earliest' : 'latest',
        isolation: o.readCommitted ? 'read_committed' : 'read_uncommitted',
      });
      let stop = false;
      const onSignal = () => { stop = true; };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await log.admin.describeTopic(topic); // clear error for an unknown topic
        c.subscribe([topic]);
        let n = 0;
        while (!stop) {
          const batch = await c.poll({ timeoutMs: o.follow ? 500 : 200, maxRecords: o.max ? Math.min(500, o.max - n) : 500 });
          if (batch.length) {
            process.stdout.write(batch.map((r) => formatRecord(r, o.keyFormat, o.valueFormat)).join('\n') + '\n');
            n += batch.length;
            if (o.group) await c.commit();
          } else if (!o.follow) break;
          if (o.max && n >= o.max) break;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await c.close();
        await log.close();
      }
    });
}
