/**
 * The translations between our view of a topology and tasks (src/log-client/membership.ts) and the streams group
 * protocol's: the heartbeat's Topology, task ids as (subtopologyId, partitions) lists, an active task's source
 * partitions, and the response's endpoint → partitions information as per-endpoint task lists.
 */
import type { OwnedTasks, SubtopologyInfo, TaskAssignment, TaskId } from '../../log-client/membership.ts';
import type { TopicPartition } from '../../log-client/types.ts';
import type { EndpointToPartitions, HeartbeatSubtopology, TaskIds, TaskOffset, TopicInfo } from './codec.ts';

/** Internal topic configs the broker creates them with (Kafka Streams' defaults for key-value changelogs). */
const CHANGELOG_CONFIGS = [{ key: 'cleanup.policy', value: 'compact' }];
const REPARTITION_CONFIGS = [{ key: 'cleanup.policy', value: 'delete' }, { key: 'retention.ms', value: '-1' }];

export function heartbeatSubtopologies(subs: SubtopologyInfo[]): HeartbeatSubtopology[] {
  return subs.map((s) => {
    const repartitionNames = s.repartitionSourceTopics.map((t) => t.name);
    return {
      subtopologyId: s.id,
      sourceTopics: s.sourceTopics,
      sourceTopicRegex: [],
      // partitions 0: a changelog gets as many partitions as its sub-topology has tasks; replication 0: the broker's default
      stateChangelogTopics: s.stateChangelogTopics.map((name): TopicInfo => ({ name, partitions: 0, replicationFactor: 0, topicConfigs: CHANGELOG_CONFIGS })),
      repartitionSinkTopics: s.repartitionSinkTopics,
      repartitionSourceTopics: s.repartitionSourceTopics.map((t): TopicInfo => ({
        name: t.name, partitions: Math.max(0, t.partitions), replicationFactor: 0, topicConfigs: REPARTITION_CONFIGS,
      })),
      copartitionGroups: s.copartitionGroups.map((g) => {
        const missing = g.filter((t) => !s.sourceTopics.includes(t) && !repartitionNames.includes(t));
        if (missing.length) throw new Error(`sub-topology ${s.id}: co-partitioned topic(s) ${missing.join(', ')} are not among its source topics`);
        return {
          sourceTopics: g.map((t) => s.sourceTopics.indexOf(t)).filter((i) => i >= 0),
          sourceTopicRegex: [],
          repartitionSourceTopics: g.map((t) => repartitionNames.indexOf(t)).filter((i) => i >= 0),
        };
      }),
    };
  });
}

export const taskId = (subtopologyId: string, partition: number): TaskId => `${subtopologyId}_${partition}`;

export function parseTaskId(id: TaskId): { subtopologyId: string; partition: number } {
  const i = id.lastIndexOf('_');
  const partition = Number(id.slice(i + 1));
  if (i <= 0 || !Number.isInteger(partition) || partition < 0) throw new Error(`'${id}' is not a task id (<subtopologyId>_<partition>)`);
  return { subtopologyId: id.slice(0, i), partition };
}

export function fromTaskIds(list: TaskIds[]): TaskId[] {
  const out: TaskId[] = [];
  for (const t of list) for (const p of t.partitions) out.push(taskId(t.subtopologyId, p));
  return out.sort(compareTaskIds);
}

export function toTaskIds(ids: TaskId[]): TaskIds[] {
  const by = new Map<string, number[]>();
  for (const id of ids) {
    const { subtopologyId, partition } = parseTaskId(id);
    (by.get(subtopologyId) ?? by.set(subtopologyId, []).get(subtopologyId)!).push(partition);
  }
  return [...by].sort(([a], [b]) => compareIds(a, b)).map(([subtopologyId, partitions]) => ({ subtopologyId, partitions: partitions.sort((a, b) => a - b) }));
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isInteger(na) && Number.isInteger(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}

export function compareTaskIds(a: TaskId, b: TaskId): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return compareIds(x.subtopologyId, y.subtopologyId) || x.partition - y.partition;
}

/** Task offset sums as the heartbeat's TaskOffsets: sorted by sub-topology id, then partition. */
export function toTaskOffsets(sums: Readonly<Record<TaskId, number>>): TaskOffset[] {
  return Object.keys(sums).sort(compareTaskIds).map((id) => ({ ...parseTaskId(id), offset: BigInt(sums[id]) }));
}

export function sameTasks(a: OwnedTasks, b: OwnedTasks): boolean {
  const eq = (x: TaskId[], y: TaskId[]): boolean => x.length === y.length && [...x].sort().every((v, i) => v === [...y].sort()[i]);
  return eq(a.active, b.active) && eq(a.standby, b.standby);
}

/** The source partitions (source and repartition source topics) of these active tasks. */
export function sourcePartitions(subs: SubtopologyInfo[], active: TaskId[]): TopicPartition[] {
  const byId = new Map(subs.map((s) => [s.id, s]));
  const out: TopicPartition[] = [];
  for (const id of active) {
    const { subtopologyId, partition } = parseTaskId(id);
    const s = byId.get(subtopologyId);
    if (!s) throw new Error(`the group assigned task ${id} of sub-topology ${subtopologyId}, which this instance's topology does not have: ` +
      'instances of one applicationId must run the same topology');
    for (const topic of s.sourceTopics) out.push({ topic, partition });
    for (const t of s.repartitionSourceTopics) out.push({ topic: t.name, partition });
  }
  return out;
}

/** The response's endpoint → partitions as endpoint → tasks (a partition of a source topic of sub-topology s is task s_p). */
export function hostsOf(subs: SubtopologyInfo[], endpoints: EndpointToPartitions[]): TaskAssignment['hosts'] {
  const subsOfTopic = new Map<string, string[]>();
  for (const s of subs) {
    for (const t of [...s.sourceTopics, ...s.repartitionSourceTopics.map((r) => r.name)]) (subsOfTopic.get(t) ?? subsOfTopic.set(t, []).get(t)!).push(s.id);
  }
  const tasks = (parts: Array<{ topic: string; partitions: number[] }>): TaskId[] => {
    const set = new Set<TaskId>();
    for (const tp of parts) for (const s of subsOfTopic.get(tp.topic) ?? []) for (const p of tp.partitions) set.add(taskId(s, p));
    return [...set].sort(compareTaskIds);
  };
  return endpoints.map((e) => ({ endpoint: `${e.userEndpoint.host}:${e.userEndpoint.port}`, active: tasks(e.activePartitions), standby: tasks(e.standbyPartitions) }));
}
