/** `consume <topic> [--group g] [--from-beginning] [--follow]`: JSON lines on stdout. */
import type { Command } from 'commander';
import type { ConsumerRecord } from '../../log-store/index.ts';
import { DEFAULT_DATA_DIR, openLog } from './open-log.ts';

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8'));

export function formatRecord(r: ConsumerRecord): string {
  const headers: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = text(v);
  return JSON.stringify({ topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: text(r.key), value: text(r.value), headers });
}

export function registerConsume(program: Command): void {
  program.command('consume <topic>')
    .description('print the records of a topic as JSON lines')
    .option('--data-dir <dir>', 'data dir of the built-in log', DEFAULT_DATA_DIR)
    .option('--group <group>', 'consumer group: start at its committed offsets and commit what was printed')
    .option('--from-beginning', 'start at the earliest offset when there is no committed offset')
    .option('--follow', 'keep waiting for new records (Ctrl-C to stop)')
    .option('--max <n>', 'stop after n records', (v) => Number(v))
    .option('--read-committed', 'skip pending and aborted transactional records')
    .action(async (topic: string, o: { dataDir: string; group?: string; fromBeginning?: boolean; follow?: boolean; max?: number; readCommitted?: boolean }) => {
      const log = await openLog(o.dataDir);
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
            process.stdout.write(batch.map(formatRecord).join('\n') + '\n');
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
