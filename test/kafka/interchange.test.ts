/**
 * Data interchange with Java (API.md section 7): Apache Kafka's own Java clients and Kafka Streams 4.4 (the tool in
 * test/java, scripts/java-interchange.sh) on the same broker as Tributary.
 * - A Java producer writes the inputs; our app (test/kafka/apps/interchange-app.ts) reads them, and a Java
 *   read_committed consumer reads our outputs with StringDeserializer / LongDeserializer: the exact expected counts.
 * - The same key lands in the same partition from Java's producer and ours (murmur2).
 * - Java Kafka Streams runs the same topology on the same inputs: every changelog (a key-value count, a windowed
 *   count, a session count, a count behind a repartition topic) holds, per store key, the same records as ours:
 *   key bytes, value bytes, record timestamp, headers and partition; the changelog topics have the same configs.
 *   The suppress buffer's changelog (Kafka's format V3) is compared by its last record per key: the records in
 *   between depend on commit timing, and Kafka stamps them with the send time (docs/kafka-interchange.md).
 * - Java Kafka Streams with our applicationId takes over from our app: it validates our internal topics, restores
 *   its stores (and suppress buffer) from our changelogs and counts on from our counts, and its tasks start from the
 *   partition times we committed in the offsets' metadata (TopicPartitionMetadata, decoded by Kafka's own class).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openKafkaLog } from '../../src/kafka/index.ts';
import { partitionForKey } from '../../src/index.ts';
import { AppProcess, sleep } from '../runtime/proc.ts';
import { decodePartitionMetadata } from '../../src/runtime/offset-metadata.ts';
import { javaCommitted, javaConsume, javaProduce, javaStreams, type JavaCommitted, type JavaRecord } from './java-tool.ts';
import { kcatConsume } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });
const tmp = (name: string): string => { const d = fs.mkdtempSync(path.join(os.tmpdir(), name)); dirs.push(d); return d; };

// an hour ago: window and session changelogs are `compact,delete` with a retention of 1 day + 1 day, older records
// would be deleted by the broker
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
// 7 keys, one event every 600 ms: a key's events are 4.2 s apart (sessions with a 5 s gap merge; several per
// 10 s window), and every 9th event jumps 12 s back in time (late: dropped by the windows, merged into old sessions)
const events: Array<[string, string, number]> = Array.from({ length: 70 }, (_, i) => [`k${i % 7}`, `e${i}`, BASE + i * 600 - (i % 9 === 8 ? 12_000 : 0)]);
const WORDS = ['river', 'delta', 'stream', 'sea', 'brook', 'tide'];
// one key: all lines in one partition, so the order of the words in each repartition partition is the same in both
// runs (from two upstream tasks it would interleave as the tasks happen to run, and so would the count timestamps)
const lines: Array<[string, string, number]> = Array.from({ length: 20 }, (_, i) => ['doc', `The ${WORDS[i % 6]} and the ${WORDS[(i * 5) % 6]}, ${WORDS[(i + 2) % 6]}!`, BASE + i * 1000]);
const words = lines.flatMap(([, l]) => l.toLowerCase().split(/\W+/).filter((w) => w.length > 0));
const OUTPUTS = events.length + words.length;
const STORES = ['counts', 'wcounts', 'scounts', 'words'];

/** Per key, the counts 1..n in order: what a count with caching off emits for these inputs. */
function expectedCounts(keys: string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const k of keys) (out[k] ??= []).push(out[k].length + 1);
  return out;
}

function perKey(records: JavaRecord[]): Record<string, Array<JavaRecord['value']>> {
  const out: Record<string, Array<JavaRecord['value']>> = {};
  for (const r of records) (out[String(r.key)] ??= []).push(r.value);
  return out;
}

/** Per partition of a 2-partition input topic: the largest timestamp of `records` (what its partition time is after them). */
function maxTimePerPartition(records: Array<[string, string, number]>): Record<number, number> {
  const out: Record<number, number> = {};
  const enc = new TextEncoder();
  for (const [k, , ts] of records) {
    const p = partitionForKey(enc.encode(k), 2);
    out[p] = Math.max(out[p] ?? -1, ts);
  }
  return out;
}

/** Committed partition times by partition (Kafka's decoding); each metadata string decodes the same with ours. */
function committedTimes(committed: JavaCommitted[]): Record<number, number> {
  for (const c of committed) expect(decodePartitionMetadata(c.metadata).partitionTime, `our decoding of ${c.metadata}`).toBe(c.partitionTime);
  return Object.fromEntries(committed.filter((c) => c.partitionTime >= 0).map((c) => [c.partition, c.partitionTime]));
}

/** A changelog's records per store key (hex): value bytes, timestamp, headers and partition, in offset order. */
function changelogByKey(records: JavaRecord[]): Record<string, Array<{ value: string | null; timestamp: number; headers: JavaRecord['headers']; partition: number }>> {
  const out: Record<string, Array<{ value: string | null; timestamp: number; headers: JavaRecord['headers']; partition: number }>> = {};
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    (out[r.keyHex ?? 'null'] ??= []).push({ value: r.valueHex, timestamp: r.timestamp, headers: r.headers, partition: r.partition });
  }
  return out;
}

const hexOf = (text: string): string => Buffer.from(text).toString('hex');
const longAt = (hex: string, at: number): number => Number(BigInt.asIntN(64, BigInt(`0x${hex.slice(at * 2, at * 2 + 16)}`)));

/**
 * The layout Kafka Streams 4.4 uses, asserted on our changelog records directly (docs/kafka-interchange.md): values
 * are the plain serialized count (8 bytes; the timestamp of a timestamped store is the record timestamp, not a value
 * prefix); a window store key is the key bytes + 8-byte window start + 4-byte sequence number (0), WindowKeySchema;
 * a session store key is the key bytes + 8-byte session end + 8-byte session start, SessionKeySchema, and merged
 * sessions are deleted with tombstones.
 */
function expectLayout(store: string, records: JavaRecord[]): void {
  const keys = new Set(store === 'words' ? words : events.map(([k]) => k));
  const suffixHex = ({ counts: 0, words: 0, wcounts: 24, scounts: 32 } as Record<string, number>)[store];
  for (const r of records) {
    expect(r.valueHex === null || r.valueHex.length === 16, `${store}: an 8-byte count value`).toBe(true);
    expect(r.headers).toEqual([]);
    const key = [...keys].find((k) => r.keyHex!.startsWith(hexOf(k)) && r.keyHex!.length === hexOf(k).length + suffixHex);
    expect(key, `${store}: store key ${r.keyHex}`).toBeDefined();
    const rest = r.keyHex!.slice(hexOf(key!).length);
    if (store === 'wcounts') {
      expect(rest.slice(16), 'window key sequence number').toBe('00000000');
      expect(longAt(rest, 0) % 10_000, 'window start').toBe(0);
    }
    if (store === 'scounts') expect(longAt(rest, 0), 'session end >= start').toBeGreaterThanOrEqual(longAt(rest, 8));
  }
  if (store === 'scounts') expect(records.some((r) => r.valueHex === null), 'merged sessions leave tombstones').toBe(true);
}

describe('data interchange with Java clients and Kafka Streams 4.4', () => {
  beforeAll(async () => {
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      for (const t of await log.admin.listTopics()) if (t.startsWith('ix-')) await log.admin.deleteTopic(t);
      await sleep(1000);
      for (const t of ['ix-events', 'ix-lines', 'ix-ts-counts', 'ix-ts-word-counts', 'ix-java-counts', 'ix-java-word-counts']) await log.admin.createTopic(t, { partitions: 2 });
      await log.admin.createTopic('ix-part', { partitions: 8 });
    } finally {
      await log.close();
    }
    await javaProduce(bootstrap, 'ix-events', events);
    await javaProduce(bootstrap, 'ix-lines', lines);
  }, 240_000);

  it('partitioning: a key lands in the same partition from Java\'s producer and ours (murmur2)', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i * 7919}`);
    const java = await javaProduce(bootstrap, 'ix-part', keys.map((k) => [k, 'java']));
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      const ours = await log.producer().sendBatch(keys.map((k) => ({ topic: 'ix-part', key: k, value: 'ts' })));
      const enc = new TextEncoder();
      expect(ours.map((m) => m.partition)).toEqual(java.map((m) => m.partition));
      expect(keys.map((k) => partitionForKey(enc.encode(k), 8))).toEqual(java.map((m) => m.partition));
      expect(new Set(java.map((m) => m.partition)).size, 'the keys spread over all 8 partitions').toBe(8);
    } finally {
      await log.close();
    }
  });

  it('our app reads a Java producer\'s records; a Java consumer reads our outputs with String/Long deserializers', async () => {
    const p = new AppProcess(['test/kafka/apps/interchange-app.ts', '--bootstrap', bootstrap, '--state-dir', tmp('ix-ts-'),
      '--config', 'cacheMaxBytes=0', '--config', 'commitIntervalMs=200', '--config', 'sessionTimeoutMs=2000'], { IX_APP_ID: 'ix-ts' });
    try {
      await p.waitFor('running on Kafka', 90_000);
      const end = Date.now() + 120_000;
      const sent = () => kcatConsume(bootstrap, 'ix-ts-counts', 'read_uncommitted').length + kcatConsume(bootstrap, 'ix-ts-word-counts', 'read_uncommitted').length;
      while (sent() < OUTPUTS && Date.now() < end) await sleep(500);
    } finally {
      p.child.kill('SIGTERM');
    }
    const done = await p.exited;
    expect(done.code, done.stderr).toBe(0);
    const counts = await javaConsume(bootstrap, 'ix-ts-counts', 'string', 'long');
    expect(perKey(counts)).toEqual(expectedCounts(events.map(([k]) => k)));
    const wordCounts = await javaConsume(bootstrap, 'ix-ts-word-counts', 'string', 'long');
    expect(perKey(wordCounts)).toEqual(expectedCounts(words));
  });

  it('changelogs: Java Kafka Streams and Tributary write the same records per store key (bytes, timestamps, headers)', async () => {
    await javaStreams(bootstrap, 'ix-java', OUTPUTS, tmp('ix-java-'));
    // Java's own outputs are ours (the same counts per key)
    expect(perKey(await javaConsume(bootstrap, 'ix-java-counts', 'string', 'long'))).toEqual(expectedCounts(events.map(([k]) => k)));
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    try {
      const topics = await log.admin.listTopics();
      for (const store of STORES) {
        const java = await javaConsume(bootstrap, `ix-java-${store}-changelog`, 'bytes', 'bytes');
        const ours = await javaConsume(bootstrap, `ix-ts-${store}-changelog`, 'bytes', 'bytes');
        expect(java.length, `Java's ${store} changelog has records`).toBeGreaterThan(0);
        expect(changelogByKey(ours), `the ${store} changelog, per store key`).toEqual(changelogByKey(java));
        expectLayout(store, ours);
        const [jc, oc] = [(await log.admin.describeTopic(`ix-java-${store}-changelog`)).config, (await log.admin.describeTopic(`ix-ts-${store}-changelog`)).config];
        expect(oc.cleanupPolicy, `${store} changelog cleanup.policy`).toEqual(jc.cleanupPolicy);
        expect(oc.retentionMs, `${store} changelog retention.ms`).toEqual(jc.retentionMs);
      }
      // the suppress buffer's changelog: Kafka's format V3 (header v = 3). Which intermediate states reach it depends
      // on when each app commits (dirty keys are logged at commit), and Kafka stamps these records with the send
      // time, not the record's: the last record of every buffer key is compared, without its timestamp
      const lastPerKey = (records: JavaRecord[]) => Object.fromEntries(Object.entries(changelogByKey(records)).map(([k, rs]) => [k, { ...rs[rs.length - 1], timestamp: 0 }]));
      const suppJava = await javaConsume(bootstrap, 'ix-java-supp-store-changelog', 'bytes', 'bytes');
      const suppOurs = await javaConsume(bootstrap, 'ix-ts-supp-store-changelog', 'bytes', 'bytes');
      expect(suppJava.some((r) => r.valueHex !== null) && suppJava.some((r) => r.valueHex === null), 'buffered and evicted windows').toBe(true);
      expect(lastPerKey(suppOurs), 'the suppress buffer changelog, last record per buffer key').toEqual(lastPerKey(suppJava));
      for (const r of suppOurs) expect(r.headers).toEqual(r.valueHex === null ? [] : [['v', '03']]);
      // the repartition topic of the word count has Kafka Streams' name in both apps
      expect(topics.filter((t) => t.startsWith('ix-ts-') && t.endsWith('-repartition')).map((t) => t.slice(6)))
        .toEqual(topics.filter((t) => t.startsWith('ix-java-') && t.endsWith('-repartition')).map((t) => t.slice(8)));
    } finally {
      await log.close();
    }
  });
  it('Java Kafka Streams takes over our app (same applicationId): it restores our changelogs and counts on from our counts', async () => {
    // our app (the test above) committed its input offsets and left its changelogs; Java Kafka Streams with
    // applicationId ix-ts validates our internal topics, restores its stores from our changelogs and goes on
    // our commits carry Kafka Streams' offset metadata: Kafka's TopicPartitionMetadata.decode reads each input
    // partition's time from them, the largest timestamp we processed there
    expect(committedTimes(await javaCommitted(bootstrap, 'ix-ts', 'ix-events'))).toEqual(maxTimePerPartition(events));
    expect(committedTimes(await javaCommitted(bootstrap, 'ix-ts', 'ix-lines'))).toEqual(maxTimePerPartition(lines));
    const more: Array<[string, string, number]> = Array.from({ length: 14 }, (_, i) => [`k${i % 7}`, `more${i}`, BASE + 80_000 + i * 600]);
    // a late line (before the 20 lines above): Java's partition time stays ours only if it restored it from our metadata
    const moreLines: Array<[string, string, number]> = [['doc', 'The sea and the river', BASE + 500]];
    await javaProduce(bootstrap, 'ix-events', more);
    await javaProduce(bootstrap, 'ix-lines', moreLines);
    const moreWords = moreLines.flatMap(([, l]) => l.toLowerCase().split(/\W+/).filter((w) => w.length > 0));
    await javaStreams(bootstrap, 'ix-ts', more.length + moreWords.length, tmp('ix-java-takeover-'));
    expect(perKey(await javaConsume(bootstrap, 'ix-ts-counts', 'string', 'long'))).toEqual(expectedCounts([...events, ...more].map(([k]) => k)));
    expect(perKey(await javaConsume(bootstrap, 'ix-ts-word-counts', 'string', 'long'))).toEqual(expectedCounts([...words, ...moreWords]));
    // Java's commits: the late line left the partition time where ours was (restored, StreamTask.initializeTaskTime),
    // and our decoder reads Java's metadata strings
    expect(committedTimes(await javaCommitted(bootstrap, 'ix-ts', 'ix-lines'))).toEqual(maxTimePerPartition(lines));
    expect(committedTimes(await javaCommitted(bootstrap, 'ix-ts', 'ix-events'))).toEqual(maxTimePerPartition([...events, ...more]));
  });
});
