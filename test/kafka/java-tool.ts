/** The Java interchange tool (scripts/java-interchange.sh: Apache Kafka's clients and Kafka Streams 4.4) from tests. */
import { execFile } from 'node:child_process';
import path from 'node:path';

const script = path.resolve(import.meta.dirname, '../../scripts/java-interchange.sh');

/** A record as the Java read_committed consumer printed it (decoded key and value, and their bytes in hex). */
export interface JavaRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | number | null;
  value: string | number | null;
  keyHex: string | null;
  valueHex: string | null;
  headers: Array<[string, string | null]>;
}

export type JavaSerde = 'string' | 'long' | 'bytes';

function run(args: string[], input = '', timeoutMs = 180_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [script, ...args], { maxBuffer: 256 << 20, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`java-interchange ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin!.end(input);
  });
}

const lines = (out: string): string[] => out.split('\n').filter(Boolean);

/** Java's KafkaProducer (default partitioner) writes `[key, value, timestamp?]`; returns each record's partition. */
export async function javaProduce(bootstrap: string, topic: string, records: Array<[string, string, number?]>, key: JavaSerde = 'string', value: JavaSerde = 'string'): Promise<Array<{ key: string; partition: number; offset: number }>> {
  const input = records.map((r) => r.join('\t')).join('\n') + '\n';
  return lines(await run(['produce', bootstrap, topic, key, value], input)).map((l) => JSON.parse(l) as { key: string; partition: number; offset: number });
}

/** Java's KafkaConsumer (read_committed) reads the whole topic with the given deserializers. */
export async function javaConsume(bootstrap: string, topic: string, key: JavaSerde, value: JavaSerde): Promise<JavaRecord[]> {
  return lines(await run(['consume', bootstrap, topic, key, value])).map((l) => JSON.parse(l) as JavaRecord);
}

/** Runs the interchange topology in Java Kafka Streams until it has sent `outputs` output records, then closes it. */
export async function javaStreams(bootstrap: string, applicationId: string, outputs: number, stateDir: string): Promise<void> {
  await run(['streams', bootstrap, applicationId, String(outputs), stateDir]);
}

/** A group's committed offset of one partition, its metadata string and the partition time Kafka Streams decodes from it. */
export interface JavaCommitted {
  partition: number;
  offset: number;
  metadata: string | null;
  partitionTime: number;
}

/** The committed offsets of `group` on `topic` as Java's consumer reads them, decoded by TopicPartitionMetadata.decode. */
export async function javaCommitted(bootstrap: string, group: string, topic: string): Promise<JavaCommitted[]> {
  return lines(await run(['committed', bootstrap, group, topic])).map((l) => JSON.parse(l) as JavaCommitted);
}
