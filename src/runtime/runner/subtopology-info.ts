/**
 * What a group needs to know of the topology (Kafka's StreamsGroupHeartbeat `Topology.Subtopologies`, and our
 * classic assignor's co-partitioning): per sub-topology its task count, its physical source topics split into
 * external and repartition topics, the repartition topics it writes, its stores' changelog topics and the
 * co-partition groups among its sources. Built from the planned topics (planTopics), so partition counts are known.
 */
import { changelogTopic, internalTopic } from '../../api/topic-names.ts';
import type { SubtopologyInfo } from '../../log-client/membership.ts';
import type { Topology } from '../../topology/topology.ts';
import type { TopicPlan } from './topics.ts';

export function subtopologyInfos(topology: Topology, plan: TopicPlan, appId: string): SubtopologyInfo[] {
  const out: SubtopologyInfo[] = [];
  for (const s of topology.subtopologies) {
    if (s.global) continue;
    const sp = plan.subtopologies.get(s.id);
    const sourceTopics = new Set<string>();
    const repartitionSources = new Map<string, number>();
    // logical name (as co-partition groups hold them) -> physical name
    const physicalOf = new Map<string, string>();
    for (const n of s.sourceNodes) {
      const src = topology.node(n);
      if (src.type !== 'source') continue;
      if (src.internal) {
        for (const t of src.topics) {
          const name = internalTopic(appId, t);
          physicalOf.set(t, name);
          repartitionSources.set(name, plan.partitionsOf.get(name) ?? sp?.partitions ?? 1);
        }
      } else if (!src.pattern) {
        for (const t of src.topics) {
          physicalOf.set(t, t);
          sourceTopics.add(t);
        }
      }
    }
    // pattern sources: the topics the plan resolved for this sub-topology that are not internal
    for (const t of sp?.topics ?? []) if (!repartitionSources.has(t)) sourceTopics.add(t);
    const sinks = new Set<string>();
    for (const n of s.nodes) {
      const sink = topology.node(n);
      if (sink.type === 'sink' && sink.internal && typeof sink.topic === 'string') sinks.add(internalTopic(appId, sink.topic));
    }
    const changelogs: string[] = [];
    for (const storeName of s.stores) {
      const spec = topology.stores.get(storeName);
      if (spec && spec.logging && !spec.global) changelogs.push(changelogTopic(appId, storeName));
    }
    const copartitionGroups: string[][] = [];
    for (const group of topology.copartitionGroups) {
      const mine = group.map((t) => physicalOf.get(t)).filter((t): t is string => t !== undefined);
      if (mine.length > 1) copartitionGroups.push(mine);
    }
    out.push({
      id: String(s.id), partitions: sp?.partitions ?? 1, sourceTopics: [...sourceTopics],
      repartitionSourceTopics: [...repartitionSources].map(([name, partitions]) => ({ name, partitions })),
      repartitionSinkTopics: [...sinks], stateChangelogTopics: changelogs, copartitionGroups,
    });
  }
  return out;
}
