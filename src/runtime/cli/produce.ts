/**
 * `produce <topic>`: one record per stdin line. A JSON object line with a "value" (or "key") field is
 * {"key"?, "value"?, "timestamp"?, "headers"?, "partition"?} (non-string key/value are JSON-encoded);
 * any other line is the value (no key).
 */
import readline from 'node:readline';
import type { Command } from 'commander';
import type { ProducerRecord } from '../../log-store/index.ts';
import { DEFAULT_DATA_DIR, openLog } from './open-log.ts';

const asBytes = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

export function parseLine(topic: string, line: string): ProducerRecord {
  if (line.startsWith('{')) {
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (o && typeof o === 'object' && ('value' in o || 'key' in o)) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries((o.headers as Record<string, unknown>) ?? {})) headers[k] = asBytes(v) ?? '';
        return {
          topic, key: asBytes(o.key), value: asBytes(o.value), headers,
          timestamp: typeof o.timestamp === 'number' ? o.timestamp : undefined,
          partition: typeof o.partition === 'number' ? o.partition : undefined,
        };
      }
    } catch { /* not JSON: a plain value */ }
  }
  return { topic, key: null, value: line };
}

export function registerProduce(program: Command): void {
  program.command('produce <topic>')
    .description('append JSON lines ({"key":..,"value":..,"timestamp"?:..,"headers"?:..}) or plain lines from stdin to a topic')
    .option('--data-dir <dir>', 'data dir of the built-in log', DEFAULT_DATA_DIR)
    .option('--bootstrap <host:port[,host:port...]>', 'a Kafka cluster instead of the built-in log')
    .option('--batch <n>', 'records per batch', (v) => Number(v), 1000)
    .action(async (topic: string, o: { dataDir: string; bootstrap?: string; batch: number }) => {
      const log = await openLog(o.dataDir, o.bootstrap);
      try {
        const p = log.producer();
        let batch: ProducerRecord[] = [];
        let n = 0;
        for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          if (line.length === 0) continue;
          batch.push(parseLine(topic, line));
          if (batch.length >= o.batch) { await p.sendBatch(batch); n += batch.length; batch = []; }
        }
        if (batch.length) { await p.sendBatch(batch); n += batch.length; }
        process.stderr.write(`produced ${n} record(s) to ${topic}\n`);
      } finally { await log.close(); }
    });
}
