/** kcat (Debian's, a librdkafka client that is not ours) as the independent reader and writer of the Kafka tests. */
import { execFileSync } from 'node:child_process';

export interface KcatRecord { key: string | null; value: string | null; partition: number; offset: number }

/** Every record of a topic from the beginning, as kcat reads it (read_committed by default). */
export function kcatConsume(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed', opts: { int64Values?: boolean; config?: string[] } = {}): KcatRecord[] {
  // kcat's format mode (its JSON mode ignores -s); keys and values here hold no tabs or newlines
  const serde = opts.int64Values ? ['-s', 'value=q'] : [];
  const out = execFileSync('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-Z', ...serde, '-f', '%p\t%o\t%k\t%s\n',
    '-X', `isolation.level=${isolation}`, ...(opts.config ?? []).flatMap((c) => ['-X', c])], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return out.split('\n').filter(Boolean).map((l) => {
    const [p, o, k, v] = l.split('\t');
    return { partition: Number(p), offset: Number(o), key: k === 'NULL' ? null : k, value: v === 'NULL' ? null : v };
  });
}

/** Produces `key\tvalue` lines with kcat (murmur2-partitioned by key, as Java's default partitioner). */
export function kcatProduce(bootstrap: string, topic: string, records: Array<[string, string]>, compression?: 'gzip' | 'snappy' | 'lz4' | 'zstd'): void {
  const input = records.map(([k, v]) => `${k}\t${v}`).join('\n') + '\n';
  execFileSync('kcat', ['-b', bootstrap, '-P', '-t', topic, '-K', '\t', '-X', 'partitioner=murmur2_random', ...(compression ? ['-z', compression] : [])], { input });
}
