/**
 * Group membership of a stream thread on a log that spreads tasks over instances (Kafka): the thread is one member
 * of the group named by the applicationId; the group gives it active and standby tasks, asks it to rebalance, or
 * tells it that it was fenced. Two implementations live in src/kafka: the classic protocol (JoinGroup/SyncGroup
 * with our own co-partition preserving, sticky assignment) and Kafka's streams group protocol (KIP-1071,
 * StreamsGroupHeartbeat: the broker assigns). The built-in log has none: one process owns every task there.
 *
 * The thread's side of the contract (src/runtime/runner):
 *   1. `poll(owned)` joins and resolves with the first assignment; the thread creates (restores) those tasks and
 *      calls `owned(...)`.
 *   2. Each loop turn it checks `rebalanceRequested`: when set it finishes its batch, commits every active task
 *      (one transaction under exactly_once), then calls `poll(owned)` again and applies the new assignment: closes
 *      tasks no longer assigned (clean: they were just committed), creates the new ones, then calls `owned(...)`.
 *   3. When `lost` is set (or a commit is refused as FENCED) the tasks are lost: close them dirty, then `poll`.
 * Every offset commit and TxnOffsetCommit of the group carries this member's id and generation (classic) or
 * member epoch (streams): the backend takes them from the membership it handed out for that group.
 */
import type { TopicPartition } from './types.ts';

/** A task id as Kafka Streams prints it: `<subtopologyId>_<partition>`. */
export type TaskId = string;

/** One sub-topology as the group needs to know it (Kafka's StreamsGroupHeartbeat `Topology.Subtopologies`). */
export interface SubtopologyInfo {
  /** The sub-topology id, as in task ids ('0', '1', ...). */
  id: string;
  /** Number of tasks (the partition count of its source topics). */
  partitions: number;
  /** Physical source topics that are not repartition topics. */
  sourceTopics: string[];
  /** Repartition topics this sub-topology reads (with their partition count). */
  repartitionSourceTopics: Array<{ name: string; partitions: number }>;
  /** Repartition topics this sub-topology writes. */
  repartitionSinkTopics: string[];
  /** Changelog topics of its stores. */
  stateChangelogTopics: string[];
  /** Groups of source topics that must be co-partitioned (joins). */
  copartitionGroups: string[][];
}

export interface StreamsMemberInfo {
  /** The instance's process id (a UUID kept in the state dir). */
  processId: string;
  /** The stream thread's index in its instance (1-based, as in transactional ids). */
  threadIndex: number;
  /** `applicationServer` (host:port of this instance's HTTP server), or null. */
  endpoint: string | null;
  subtopologies: SubtopologyInfo[];
  numStandbyReplicas: number;
  sessionTimeoutMs: number;
  /** How long the group waits for members to rejoin in a rebalance (Kafka's max.poll.interval.ms). */
  rebalanceTimeoutMs: number;
  protocol: 'classic' | 'streams';
}

export interface OwnedTasks {
  active: TaskId[];
  standby: TaskId[];
}

/**
 * What a thread reports when it (re)joins: the tasks it owns, and the tasks whose state its instance keeps locally
 * (Kafka Streams' task offset sums), so that after a restart (owning nothing yet) the group gives an instance back
 * the tasks whose state it has instead of restoring them elsewhere.
 */
export interface MemberTasks extends OwnedTasks {
  /**
   * Tasks with local state in the instance's state dir that the thread does not run as active (its standbys, and
   * tasks left on disk by an earlier run or another thread), each with the sum of the changelog offsets its local
   * stores hold (what a restore continues from: higher is closer to the changelog end). Absent: not reported.
   */
  localOffsetSums?: Record<TaskId, number>;
}

export interface TaskAssignment extends OwnedTasks {
  /** Kafka's StreamsMetadata: per instance endpoint, the tasks active and standby there (for query routing). */
  hosts: Array<{ endpoint: string; active: TaskId[]; standby: TaskId[] }>;
  /** The source partitions of `active` (what the thread's consumer reads). */
  partitions: TopicPartition[];
}

export interface StreamsMembership {
  readonly memberId: string;
  /**
   * First call: joins the group and resolves with this member's assignment. Later calls, after the thread committed
   * because `rebalanceRequested` or `lost` was set: rejoins (classic) or reconciles (streams) and resolves with the
   * new assignment. `owned` is what the thread holds now (stickiness, revocation), with the local state it can
   * report (previous ownership across restarts).
   */
  poll(owned: MemberTasks): Promise<TaskAssignment>;
  /** The group needs this member to rejoin or take a new assignment: commit, then `poll`. */
  readonly rebalanceRequested: boolean;
  /** The member was fenced (session expired, stale generation or epoch): its tasks are lost (close dirty), then `poll`. */
  readonly lost: boolean;
  /** After applying an assignment: what the thread owns now (the streams protocol acknowledges revocations with it). */
  owned(tasks: OwnedTasks): void;
  /**
   * The group's latest endpoint → tasks view, when the protocol sends it between this member's assignments (the
   * streams protocol); absent: the `hosts` of the last `poll` are the latest (classic: every member rejoins).
   */
  readonly hosts?: TaskAssignment['hosts'];
  /** Leaves the group (clean shutdown), so the others rebalance at once instead of after the session timeout. */
  leave(): Promise<void>;
}
