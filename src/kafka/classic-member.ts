/**
 * A stream thread's membership in its application's group with Kafka's classic protocol (StreamsMembership,
 * src/log-client/membership.ts): protocol type 'consumer', protocol name 'stream', the ConsumerProtocol
 * subscription (the source topics) with our own user data, and the leader's assignment from assignor.ts.
 * Unlike a plain consumer it never rejoins by itself: a heartbeat answered REBALANCE_IN_PROGRESS sets
 * `rebalanceRequested` (the thread commits, then polls, which rejoins); UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION or
 * FENCED_INSTANCE_ID set `lost`.
 *
 * User data, version 1 (big-endian, strings int16-length UTF-8, lists int32-counted):
 *   subscription: version, processId, threadIndex (int32), endpoint (nullable), owned active tasks, owned standby tasks,
 *                 then optionally the local task offset sums: int32 count, then per task its id and int64 changelog
 *                 offset sum (membership.ts MemberTasks.localOffsetSums). A trailing field: builds without it read
 *                 the prefix and ignore the rest, so members of both kinds can share a group in a rolling upgrade
 *   assignment:   version, error (nullable: why the leader could not assign, every member's poll throws it),
 *                 active tasks, standby tasks, hosts: [endpoint, active tasks, standby tasks]
 */
import { LogStoreError } from '../log-client/errors.ts';
import type { MemberTasks, OwnedTasks, StreamsMemberInfo, StreamsMembership, TaskAssignment, TaskId } from '../log-client/membership.ts';
import type { TopicPartition } from '../log-client/types.ts';
import { assignTasks, splitTask, taskPartitions, tasksOf, topologyProblems, type AssignorMember } from './assignor.ts';
import type { KafkaClient } from './client.ts';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, In, Out } from './consumer-protocol.ts';
import { ClassicGroup } from './group.ts';

const PROTOCOL = 'stream';
const USER_DATA_VERSION = 1;

export interface StreamsSubscriptionData {
  processId: string;
  threadIndex: number;
  endpoint: string | null;
  owned: OwnedTasks;
  /** Absent: the member reported none (or runs a build without them). */
  localOffsetSums?: Record<TaskId, number>;
}

export function encodeStreamsSubscription(d: StreamsSubscriptionData): Buffer {
  const out = new Out().int16(USER_DATA_VERSION).string(d.processId).int32(d.threadIndex).nullableString(d.endpoint)
    .strings(d.owned.active).strings(d.owned.standby);
  if (d.localOffsetSums) {
    const sums = Object.entries(d.localOffsetSums);
    out.int32(sums.length);
    for (const [task, sum] of sums) out.string(task).int64(sum);
  }
  return out.done();
}

function checkVersion(r: In, what: string): void {
  const v = r.int16();
  if (v !== USER_DATA_VERSION) {
    throw new LogStoreError('GROUP', `${what} has user data version ${v}; this build reads version ${USER_DATA_VERSION}: run the same Tributary version on every instance of the application`);
  }
}

export function decodeStreamsSubscription(b: Buffer | null, memberId: string): StreamsSubscriptionData {
  const what = `the subscription of member ${memberId}`;
  if (!b) throw new LogStoreError('GROUP', `${what} has no stream user data: a plain consumer or another client joined the application's group with protocol '${PROTOCOL}'; give it its own group id`);
  const r = new In(b, what);
  checkVersion(r, what);
  const d: StreamsSubscriptionData = { processId: r.string(), threadIndex: r.int32(), endpoint: r.nullableString(), owned: { active: r.strings(), standby: r.strings() } };
  if (r.remaining > 0) {
    const sums: Record<TaskId, number> = {};
    for (let i = 0, n = r.int32(); i < n; i++) sums[r.string()] = r.int64();
    d.localOffsetSums = sums;
  }
  return d;
}

export interface StreamsAssignmentData extends Omit<TaskAssignment, 'partitions'> {
  /** Why the leader could not assign (missing topics, co-partitioning); null when it could. */
  error: string | null;
}

export function encodeStreamsAssignment(a: StreamsAssignmentData): Buffer {
  const out = new Out().int16(USER_DATA_VERSION).nullableString(a.error).strings(a.active).strings(a.standby).int32(a.hosts.length);
  for (const h of a.hosts) out.string(h.endpoint).strings(h.active).strings(h.standby);
  return out.done();
}

export function decodeStreamsAssignment(b: Buffer | null): StreamsAssignmentData {
  const what = 'the assignment from the group leader';
  if (!b) throw new LogStoreError('GROUP', `${what} has no stream user data: the leader is not a Tributary stream thread`);
  const r = new In(b, what);
  checkVersion(r, what);
  const error = r.nullableString();
  const active = r.strings();
  const standby = r.strings();
  const hosts: TaskAssignment['hosts'] = [];
  for (let i = 0, n = r.int32(); i < n; i++) hosts.push({ endpoint: r.string(), active: r.strings(), standby: r.strings() });
  return { error, active, standby, hosts };
}

export class ClassicStreamsMember extends ClassicGroup implements StreamsMembership {
  private current: OwnedTasks = { active: [], standby: [] };
  private readonly endOffsets: ((tps: TopicPartition[]) => Promise<number[]>) | undefined;
  /** The local state the thread reported with its poll (every join of this member goes through a poll). */
  private localOffsetSums: Record<TaskId, number> | undefined;

  /** `endOffsets`: the log end offsets of topic-partitions (ListOffsets latest), for the lag of members' local state. */
  constructor(client: KafkaClient, groupId: string, private readonly info: StreamsMemberInfo,
    o: { onLog?: (line: string) => void; onLeave?: () => void; endOffsets?: (tps: TopicPartition[]) => Promise<number[]> } = {}) {
    super(client, groupId, { sessionTimeoutMs: info.sessionTimeoutMs, rebalanceTimeoutMs: info.rebalanceTimeoutMs, ...o });
    this.endOffsets = o.endOffsets;
    for (const s of info.subtopologies) {
      if (!Number.isInteger(s.partitions) || s.partitions < 0) throw new LogStoreError('INVALID_CONFIG', `sub-topology ${s.id} of group '${groupId}' has ${s.partitions} partitions: expected an integer >= 0`);
    }
  }

  async poll(owned: MemberTasks): Promise<TaskAssignment> {
    this.current = { active: [...owned.active], standby: [...owned.standby] };
    this.localOffsetSums = owned.localOffsetSums && { ...owned.localOffsetSums };
    const got = decodeAssignment(await this.joinGroup());
    const { error, active, standby, hosts } = decodeStreamsAssignment(got.userData);
    if (error !== null) throw new LogStoreError('INVALID_CONFIG', `group '${this.groupId}': the group leader cannot assign the application's tasks: ${error}`);
    return { active, standby, hosts, partitions: got.partitions };
  }

  owned(tasks: OwnedTasks): void {
    this.current = { active: [...tasks.active], standby: [...tasks.standby] };
  }

  private sourceTopics(): string[] {
    return [...new Set(this.info.subtopologies.flatMap((s) => [...s.sourceTopics, ...s.repartitionSourceTopics.map((r) => r.name)]))].sort();
  }

  protected protocol(): { name: string; metadata: Buffer } {
    const userData = encodeStreamsSubscription({ processId: this.info.processId, threadIndex: this.info.threadIndex, endpoint: this.info.endpoint, owned: this.current, localOffsetSums: this.localOffsetSums });
    return { name: PROTOCOL, metadata: encodeSubscription({ topics: this.sourceTopics(), userData }) };
  }

  /** The leader: tasks of its topology spread over every member with assignor.ts. */
  protected async assign(members: Array<{ memberId: string; metadata: Buffer | null }>): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subs: AssignorMember[] = members.map((m) => {
      const d = decodeStreamsSubscription(decodeSubscription(m.metadata, m.memberId).userData, m.memberId);
      return { memberId: m.memberId, processId: d.processId, threadIndex: d.threadIndex, endpoint: d.endpoint, ownedActive: d.owned.active, ownedStandby: d.owned.standby, localOffsetSums: d.localOffsetSums };
    });
    const tops = this.info.subtopologies;
    const counts = new Map<string, number | undefined>();
    for (const t of this.sourceTopics()) {
      this.client.forgetTopic(t); // fresh partition counts: topics may have been created or grown since
      counts.set(t, (await this.client.topic(t))?.leaders.length);
    }
    const problems = topologyProblems(tops, counts);
    if (problems.length) {
      this.o.onLog?.(`kafka: group '${this.groupId}' leader ${this.memberId} cannot assign tasks: ${problems.join('; ')}`);
      const error = encodeStreamsAssignment({ error: problems.join('; '), active: [], standby: [], hosts: [] });
      return subs.map((s) => ({ memberId: s.memberId, assignment: encodeAssignment({ partitions: [], userData: error }) }));
    }
    const known = new Map([...counts].map(([t, n]) => [t, n ?? 0]));
    const changelogEnds = await this.changelogEnds(subs);
    const result = assignTasks({ tasks: tasksOf(tops), members: subs, numStandbyReplicas: this.info.numStandbyReplicas, changelogEnds });
    const processes = new Set(subs.map((s) => s.processId)).size;
    this.o.onLog?.(`kafka: group '${this.groupId}' leader ${this.memberId} assigned ${tasksOf(tops).length} task(s) to ${subs.length} member(s) in ${processes} process(es)`
      + (result.missingStandbys ? `; ${result.missingStandbys} standby replica(s) not placed: numStandbyReplicas ${this.info.numStandbyReplicas} needs ${this.info.numStandbyReplicas + 1} processes` : ''));
    return subs.map((s) => {
      const mine = result.byMember.get(s.memberId)!;
      const partitions = mine.active.flatMap((t) => taskPartitions(t, tops, known));
      return { memberId: s.memberId, assignment: encodeAssignment({ partitions, userData: encodeStreamsAssignment({ error: null, ...mine, hosts: result.hosts }) }) };
    });
  }

  /**
   * Per task some member has local state of, the sum of its changelog partitions' end offsets (Kafka's task end
   * offset sums, what the lags of the members' offset sums are measured against). Changelog topics that do not exist
   * (yet) are left out; without `endOffsets`, or if listing them fails, the assignor ranks by offset sums alone.
   */
  private async changelogEnds(subs: AssignorMember[]): Promise<Map<TaskId, number> | undefined> {
    const wanted = [...new Set(subs.flatMap((s) => Object.keys(s.localOffsetSums ?? {})))];
    if (!this.endOffsets || wanted.length === 0) return undefined;
    try {
      const partitionCounts = new Map<string, number>();
      const tps: Array<TopicPartition & { task: TaskId }> = [];
      for (const task of wanted) {
        const [id, partition] = splitTask(task);
        for (const topic of this.info.subtopologies.find((s) => s.id === id)?.stateChangelogTopics ?? []) {
          if (!partitionCounts.has(topic)) {
            this.client.forgetTopic(topic);
            partitionCounts.set(topic, (await this.client.topic(topic))?.leaders.length ?? 0);
          }
          if (partitionCounts.get(topic)! > partition) tps.push({ topic, partition, task });
        }
      }
      const ends = await this.endOffsets(tps.map(({ topic, partition }) => ({ topic, partition })));
      const out = new Map<TaskId, number>();
      tps.forEach((tp, i) => out.set(tp.task, (out.get(tp.task) ?? 0) + ends[i]));
      return out;
    } catch (e) {
      this.o.onLog?.(`kafka: group '${this.groupId}' leader ${this.memberId} could not list the changelogs' end offsets (${(e as Error).message}): it ranks the members' local state by offset sums alone`);
      return undefined;
    }
  }

  protected onRebalanceRequested(): void {
    // the thread commits and calls poll
  }

  protected onLost(): void {
    // the thread closes its tasks dirty and calls poll
  }
}
