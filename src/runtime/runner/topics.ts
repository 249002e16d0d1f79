/**
 * Topic planning before anything runs: source topics must exist (or are created with --create-topics),
 * repartition topics get the partition count of the sub-topology writing them, changelog topics one partition
 * per task, co-partitioned join inputs must have equal partition counts. Internal topics are always created.
 */
import type { LogClient } from '../../log-client/client.ts';
import type { Topology } from '../../topology/topology.ts';
import { changelogTopic, internalTopic } from '../../api/topic-names.ts';
import { LogStoreError } from '../../log-client/errors.ts';

export interface SubtopologyPlan {
  id: number;
  partitions: number;
  /** Physical input topics (internal ones prefixed with the applicationId). */
  topics: string[];
}

export interface TopicPlan {
  subtopologies: Map<number, SubtopologyPlan>;
  globalTopics: string[];
  partitionsOf: Map<string, number>;
}

async function partitionsOfTopic(log: LogClient, topic: string): Promise<number | undefined> {
  try {
    return (await log.admin.describeTopic(topic)).partitions.length;
  } catch (e) {
    // a topic the cluster will not describe to this principal is there: the error names the missing ACL
    if ((e as { code?: string }).code === 'NOT_AUTHORIZED') throw e;
    return undefined;
  }
}

/** createTopics: create missing source topics (1 partition, or the given count). */
export type CreateTopics = boolean | { partitions: number };

export async function planTopics(log: LogClient, topology: Topology, appId: string, createTopics: CreateTopics): Promise<TopicPlan> {
  const newPartitions = typeof createTopics === 'object' ? createTopics.partitions : 1;
  const physical = (t: string, internal: boolean) => (internal ? internalTopic(appId, t) : t);
  const partitionsOf = new Map<string, number>();
  const existing = await log.admin.listTopics();
  // 1. external sources
  for (const src of topology.sources()) {
    if (src.internal) continue;
    const topics = src.pattern ? existing.filter((t) => src.pattern!.test(t)) : [...src.topics];
    for (const t of topics) {
      let n = await partitionsOfTopic(log, t);
      if (n === undefined) {
        if (!createTopics) {
          throw new Error(`source topic '${t}' (read by ${src.name}) does not exist. Create it (streams-run topics create ${t} -p <partitions>) or start with --create-topics (config createTopics: true) to create it with 1 partition.`);
        }
        await log.admin.createTopic(t, { partitions: newPartitions });
        n = newPartitions;
      }
      partitionsOf.set(t, n);
    }
  }
  // 2. sub-topology partition counts; repartition topics inherit from the sub-topology that writes them
  const subs = topology.subtopologies.filter((s) => !s.global);
  const subOfSourceTopic = new Map<string, number>();
  for (const s of subs) for (const n of s.sourceNodes) {
    const src = topology.node(n);
    if (src.type === 'source') for (const t of src.topics) subOfSourceTopic.set(physical(t, src.internal), s.id);
  }
  const subPartitions = new Map<number, number>();
  // Internal topics of co-partition groups: repartition topics without an explicit count follow the group
  // (the external topics' count, else the largest), as Kafka's CopartitionedTopicsEnforcer does.
  const internalTopics = new Set<string>();
  const fixed = new Set<string>();
  for (const name of topology.order) {
    const n = topology.node(name);
    if (n.type === 'source' && n.internal) for (const t of n.topics) internalTopics.add(t);
    if (n.type === 'sink' && n.internal && typeof n.topic === 'string' && n.partitions !== undefined) fixed.add(physical(n.topic, true));
  }
  const enforceCopartitioning = () => {
    for (const group of topology.copartitionGroups) {
      const external = group.filter((t) => !internalTopics.has(t)).map((t) => partitionsOf.get(t)).filter((n): n is number => n !== undefined);
      const internal = group.filter((t) => internalTopics.has(t)).map((t) => physical(t, true));
      const counts = external.length ? external : internal.map((t) => partitionsOf.get(t)).filter((n): n is number => n !== undefined);
      if (!counts.length) continue;
      const n = Math.max(...counts);
      for (const t of internal) if (!fixed.has(t)) partitionsOf.set(t, n);
    }
  };
  for (let round = 0; round < subs.length + 1; round++) {
    for (const s of subs) {
      let max = 0;
      for (const n of s.sourceNodes) {
        const src = topology.node(n);
        if (src.type !== 'source') continue;
        for (const t of src.pattern ? existing.filter((x) => src.pattern!.test(x)) : src.topics) {
          max = Math.max(max, partitionsOf.get(physical(t, src.internal)) ?? 0);
        }
      }
      if (max > 0) subPartitions.set(s.id, max);
      for (const n of s.nodes) {
        const sink = topology.node(n);
        if (sink.type === 'sink' && sink.internal && typeof sink.topic === 'string' && max > 0) {
          const t = physical(sink.topic, true);
          partitionsOf.set(t, sink.partitions ?? Math.max(partitionsOf.get(t) ?? 0, max));
        }
      }
    }
    enforceCopartitioning();
  }
  // 3. co-partitioning
  for (const group of topology.copartitionGroups) {
    const counts = group.map((t) => [t, partitionsOf.get(t) ?? partitionsOf.get(physical(t, true))] as const);
    const distinct = new Set(counts.map(([, n]) => n).filter((n) => n !== undefined));
    if (distinct.size > 1) {
      throw new Error(`topics [${counts.map(([t, n]) => `${t}: ${n} partitions`).join(', ')}] are joined and must be co-partitioned (equal partition counts); recreate them with the same number of partitions or repartition() one side.`);
    }
  }
  // 4. internal topics: repartition topics (also the foreign-key join's subscription and response topics, which
  // do not end in -repartition) and changelogs
  for (const t of internalTopics) {
    const name = physical(t, true);
    const n = partitionsOf.get(name);
    // As Kafka Streams does since KIP-284: no time retention (records keep the input's timestamps, so old event
    // times would be deleted before they are read). Kafka purges them up to the committed offsets instead; the
    // built-in log has no deleteRecords yet, so here they stay until the topic is deleted.
    if (n !== undefined) await ensureTopic(log, name, n, { cleanupPolicy: 'delete', retentionMs: -1, segmentBytes: 50 * 1024 * 1024 });
  }
  const plans = new Map<number, SubtopologyPlan>();
  for (const s of subs) {
    const partitions = subPartitions.get(s.id) ?? 1;
    const topics = [...subOfSourceTopic].filter(([, id]) => id === s.id).map(([t]) => t);
    for (const n of s.sourceNodes) {
      const src = topology.node(n);
      if (src.type === 'source' && src.pattern) topics.push(...existing.filter((x) => src.pattern!.test(x)));
    }
    plans.set(s.id, { id: s.id, partitions, topics });
    for (const storeName of s.stores) {
      const spec = topology.stores.get(storeName);
      if (!spec || !spec.logging || spec.global) continue;
      const windowed = spec.kind === 'window' || spec.kind === 'timestampedWindow' || spec.kind === 'session';
      await ensureTopic(log, changelogTopic(appId, storeName), partitions, windowed
        ? { cleanupPolicy: 'compact,delete', retentionMs: (spec.retentionMs ?? 86_400_000) + 86_400_000 }
        : { cleanupPolicy: 'compact' });
    }
  }
  const globalTopics = topology.subtopologies.filter((s) => s.global).flatMap((s) => s.sourceTopics);
  for (const t of globalTopics) {
    if ((await partitionsOfTopic(log, t)) === undefined) {
      if (!createTopics) throw new Error(`global table topic '${t}' does not exist; create it or start with --create-topics.`);
      await log.admin.createTopic(t, { partitions: 1 }).catch((e: unknown) => {
        if (!(e instanceof LogStoreError && e.code === 'TOPIC_EXISTS')) throw e; // another instance made it first
      });
    }
  }
  return { subtopologies: plans, globalTopics, partitionsOf };
}

async function ensureTopic(log: LogClient, name: string, partitions: number, opts: { cleanupPolicy: 'delete' | 'compact' | 'compact,delete'; retentionMs?: number; segmentBytes?: number }): Promise<void> {
  let have = await partitionsOfTopic(log, name);
  if (have === undefined) {
    try {
      await log.admin.createTopic(name, { partitions, ...opts });
      return;
    } catch (e) {
      // another instance of the app (or, under the streams protocol, the broker) made it first: check it as found
      if (!(e instanceof LogStoreError && e.code === 'TOPIC_EXISTS')) throw e;
      have = await partitionsOfTopic(log, name);
    }
  }
  if (have !== undefined && have !== partitions) {
    throw new Error(`internal topic '${name}' has ${have} partitions but the topology needs ${partitions}; delete it (streams-run topics delete ${name}) and the app's state dir, then restart.`);
  }
}
