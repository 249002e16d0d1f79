/** `topics [list|create|describe|delete]`. */
import type { Command } from 'commander';
import { DEFAULT_DATA_DIR, kafkaConfigOption, openLog } from './open-log.ts';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('list, create, describe and delete topics of the built-in log');
  const dataDir = (c: Command) => kafkaConfigOption(c.option('--data-dir <dir>', 'data dir of the built-in log', DEFAULT_DATA_DIR)
    .option('--bootstrap <host:port[,host:port...]>', 'a Kafka cluster instead of the built-in log'));

  dataDir(topics.command('list', { isDefault: true }).description('list topics'))
    .option('--internal', 'include internal topics')
    .action(async (o: { dataDir: string; bootstrap?: string; config: string[]; internal?: boolean }) => {
      const log = await openLog(o.dataDir, { bootstrap: o.bootstrap, config: o.config });
      try {
        for (const t of await log.admin.listTopics({ internal: o.internal })) process.stdout.write(t + '\n');
      } finally { await log.close(); }
    });

  dataDir(topics.command('create <name>').description('create a topic'))
    .option('-p, --partitions <n>', 'number of partitions', int, 1)
    .option('--cleanup-policy <policy>', "'delete', 'compact' or 'compact,delete'", 'delete')
    .option('--retention-ms <ms>', 'time retention', int)
    .option('--retention-bytes <bytes>', 'size retention per partition', int)
    .option('--segment-bytes <bytes>', 'segment size', int)
    .option('--segment-ms <ms>', 'segment age before rolling', int)
    .option('--max-message-bytes <bytes>', 'largest record batch accepted (max.message.bytes; default 1048588)', int)
    .action(async (name: string, o: { dataDir: string; bootstrap?: string; config: string[]; partitions: number; cleanupPolicy: 'delete'; retentionMs?: number; retentionBytes?: number; segmentBytes?: number; segmentMs?: number; maxMessageBytes?: number }) => {
      const log = await openLog(o.dataDir, { create: true, bootstrap: o.bootstrap, config: o.config });
      try {
        await log.admin.createTopic(name, {
          partitions: o.partitions, cleanupPolicy: o.cleanupPolicy, retentionMs: o.retentionMs,
          retentionBytes: o.retentionBytes, segmentBytes: o.segmentBytes, segmentMs: o.segmentMs, maxMessageBytes: o.maxMessageBytes,
        });
        process.stdout.write(`created topic ${name} with ${o.partitions} partition(s)\n`);
      } finally { await log.close(); }
    });

  dataDir(topics.command('describe [name]').description('partitions, offsets and bytes of a topic (all topics without a name)'))
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, o: { dataDir: string; bootstrap?: string; config: string[]; json?: boolean }) => {
      const log = await openLog(o.dataDir, { bootstrap: o.bootstrap, config: o.config });
      try {
        const names = name ? [name] : await log.admin.listTopics();
        for (const n of names) {
          const d = await log.admin.describeTopic(n);
          if (o.json) { process.stdout.write(JSON.stringify(d) + '\n'); continue; }
          process.stdout.write(`Topic: ${d.name}\tPartitions: ${d.partitions.length}\tCleanupPolicy: ${d.config.cleanupPolicy}\tRetentionMs: ${d.config.retentionMs}\tBytes: ${d.bytes}\n`);
          for (const p of d.partitions)
            process.stdout.write(`\tPartition: ${p.partition}\tStartOffset: ${p.startOffset}\tEndOffset: ${p.endOffset}\tBytes: ${p.bytes}\tSegments: ${p.segments}\n`);
        }
      } finally { await log.close(); }
    });

  dataDir(topics.command('delete <name>').description('delete a topic and its data'))
    .action(async (name: string, o: { dataDir: string; bootstrap?: string; config: string[] }) => {
      const log = await openLog(o.dataDir, { bootstrap: o.bootstrap, config: o.config });
      try {
        await log.admin.deleteTopic(name);
        process.stdout.write(`deleted topic ${name}\n`);
      } finally { await log.close(); }
    });
}
