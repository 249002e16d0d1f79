/** kcat (Debian's, a librdkafka client that is not ours) as the independent reader and writer of the Kafka tests. */
import { execFileSync } from 'node:child_process';

export interface KcatRecord { key: string | null; value: string | null; partition: number; offset: number }

/** Every record of a topic from the beginning, as kcat reads it (read_committed by default). */
export function kcatConsume(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed'): KcatRecord[] {
  const out = execFileSync('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-J', '-X', `isolation.level=${isolation}`], {
    encoding: 'utf8', maxBuffer: 256 << 20,
  });
  return out.split('\n').filter(Boolean).map((l) => {
    const j = JSON.parse(l) as { key: string | null; payload: string | null; partition: number; offset: number };
    return { key: j.key, value: j.payload, partition: j.partition, offset: j.offset };
  });
}

/** Produces `key\tvalue` lines with kcat (murmur2-partitioned by key, as Java's default partitioner). */
export function kcatProduce(bootstrap: string, topic: string, records: Array<[string, string]>): void {
  const input = records.map(([k, v]) => `${k}\t${v}`).join('\n') + '\n';
  execFileSync('kcat', ['-b', bootstrap, '-P', '-t', topic, '-K', '\t', '-X', 'partitioner=murmur2_random'], { input });
}
