/**
 * The task assignment of the classic group protocol (a pure function the group leader runs): tasks are
 * sub-topology x partition, so partition n of every co-partitioned topic of a sub-topology is one task on one
 * member. Following the facts of Kafka Streams' assignors (StickyTaskAssignor, HighAvailabilityTaskAssignor):
 * - active tasks are balanced over the members (stream threads): counts differ by at most one;
 * - sticky: a task stays with the member that owned it as long as balance allows; when its owner is gone (or
 *   restarted: it owns nothing when it rejoins), a process with local state of the task (Kafka's task offset sums
 *   from the state dir: standbys and an earlier run's checkpoints) is preferred, the one whose state is closest to
 *   the changelog end (least lag, or highest offset sum) first, then a member that owned it as a standby (old members
 *   report no sums); a member over its share keeps first the tasks that would cost most to move elsewhere;
 * - standby replicas go only to members of other processes than the task's active one, never two copies of a task
 *   in one process; with too few processes a task gets fewer standbys (Kafka does the same and logs it);
 * - deterministic: the same input gives the same output whatever the order of the members.
 */
import type { OwnedTasks, SubtopologyInfo, TaskAssignment, TaskId } from '../log-client/membership.ts';

export interface AssignorMember {
  memberId: string;
  processId: string;
  threadIndex: number;
  endpoint: string | null;
  /** What the member owned when it (re)joined. */
  ownedActive: TaskId[];
  ownedStandby: TaskId[];
  /** Tasks with local state in the member's process and their changelog offset sums (membership.ts MemberTasks). */
  localOffsetSums?: Readonly<Record<TaskId, number>>;
}

export interface AssignorInput {
  tasks: TaskId[];
  members: AssignorMember[];
  numStandbyReplicas: number;
  /**
   * Per task, the sum of its changelog partitions' end offsets, for the lag of local state (end - offset sum); tasks
   * without one rank local state by offset sum alone.
   */
  changelogEnds?: ReadonlyMap<TaskId, number>;
}

export interface AssignorResult {
  byMember: Map<string, OwnedTasks>;
  hosts: TaskAssignment['hosts'];
  /** Standby replicas that could not be placed (too few processes), for a log line. */
  missingStandbys: number;
}

/** Every task of a topology: each sub-topology id x partition, ordered by sub-topology then partition. */
export function tasksOf(subtopologies: readonly SubtopologyInfo[]): TaskId[] {
  const out: TaskId[] = [];
  for (const s of [...subtopologies].sort((a, b) => compareIds(a.id, b.id))) for (let p = 0; p < s.partitions; p++) out.push(`${s.id}_${p}`);
  return out;
}

/**
 * The source partitions of a task (what the member's consumer reads for it). With the topics' partition counts, a
 * source topic with fewer partitions than the sub-topology has tasks (a merge of topics that are not co-partitioned)
 * is read only by the tasks whose partition it has, as in Kafka Streams.
 */
export function taskPartitions(task: TaskId, subtopologies: readonly SubtopologyInfo[], partitionCounts?: ReadonlyMap<string, number>): Array<{ topic: string; partition: number }> {
  const [id, p] = splitTask(task);
  const s = subtopologies.find((x) => x.id === id);
  if (!s) return [];
  return sourcesOf(s).filter((topic) => (partitionCounts?.get(topic) ?? Infinity) > p).map((topic) => ({ topic, partition: p }));
}

function sourcesOf(s: SubtopologyInfo): string[] {
  return [...s.sourceTopics, ...s.repartitionSourceTopics.map((r) => r.name)];
}

/**
 * What keeps the leader from assigning a topology: source topics that do not exist, co-partitioned topics with
 * different partition counts, a sub-topology whose task count is not its source topics' largest partition count
 * (the topics changed since the member planned its topology). Empty when the topology can be assigned.
 */
export function topologyProblems(subtopologies: readonly SubtopologyInfo[], partitionCounts: ReadonlyMap<string, number | undefined>): string[] {
  const out: string[] = [];
  for (const s of subtopologies) {
    const missing = sourcesOf(s).filter((t) => partitionCounts.get(t) === undefined);
    for (const t of missing) out.push(`source topic '${t}' of sub-topology ${s.id} does not exist: create it (streams-run --create-topics, or topics create)`);
    if (missing.length) continue;
    for (const group of s.copartitionGroups) {
      const counts = new Set(group.map((t) => partitionCounts.get(t)));
      if (counts.size > 1) out.push(`topics ${group.map((t) => `'${t}' (${partitionCounts.get(t)} partitions)`).join(', ')} of sub-topology ${s.id} must be co-partitioned (a join reads them): give them the same number of partitions`);
    }
    const max = Math.max(0, ...sourcesOf(s).map((t) => partitionCounts.get(t)!));
    if (max !== s.partitions) out.push(`sub-topology ${s.id} was planned with ${s.partitions} task(s) but its source topics now have up to ${max} partitions: restart every instance so they plan with the topics as they are`);
  }
  return out;
}

export function splitTask(task: TaskId): [string, number] {
  const i = task.lastIndexOf('_');
  return [task.slice(0, i), Number(task.slice(i + 1))];
}

export function compareTasks(a: TaskId, b: TaskId): number {
  const [sa, pa] = splitTask(a);
  const [sb, pb] = splitTask(b);
  return compareIds(sa, sb) || pa - pb;
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareMembers(a: AssignorMember, b: AssignorMember): number {
  return cmp(a.processId, b.processId) || a.threadIndex - b.threadIndex || cmp(a.memberId, b.memberId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The processes with local state of one task, best first, each with its lag (undefined: the changelog end is unknown). */
type Holders = Array<{ processId: string; lag: number | undefined }>;

/**
 * Per task, the processes with local state of it, least behind first (ties: process id). A process's offset sum is the
 * highest any of its members reported (its threads share one state dir). With the changelog end (the sum of the
 * task's changelog end offsets) the lag is end - sum, as Kafka's ClientState computes it (a sum past the end, state
 * from an older changelog, counts as the whole changelog); without it a higher sum is closer to the end.
 */
function localHolders(members: readonly AssignorMember[], ends: ReadonlyMap<TaskId, number> | undefined): Map<TaskId, Holders> {
  const sums = new Map<TaskId, Map<string, number>>();
  for (const m of members) {
    for (const [t, sum] of Object.entries(m.localOffsetSums ?? {})) {
      const byProcess = sums.get(t) ?? sums.set(t, new Map()).get(t)!;
      byProcess.set(m.processId, Math.max(sum, byProcess.get(m.processId) ?? -Infinity));
    }
  }
  const out = new Map<TaskId, Holders>();
  for (const [t, byProcess] of sums) {
    const end = ends?.get(t);
    const lagOf = (sum: number): number | undefined => (end === undefined ? undefined : sum > end ? end : end - sum);
    const rank = (sum: number): number => lagOf(sum) ?? -sum;
    out.set(t, [...byProcess].sort(([pa, a], [pb, b]) => rank(a) - rank(b) || cmp(pa, pb)).map(([processId, sum]) => ({ processId, lag: lagOf(sum) })));
  }
  return out;
}

export function assignTasks(input: AssignorInput): AssignorResult {
  const members = [...input.members].sort(compareMembers);
  const tasks = [...new Set(input.tasks)].sort(compareTasks);
  const active = new Map<string, TaskId[]>(members.map((m) => [m.memberId, []]));
  const standby = new Map<string, TaskId[]>(members.map((m) => [m.memberId, []]));
  const owner = new Map<TaskId, AssignorMember>();
  if (members.length === 0) return { byMember: new Map(), hosts: [], missingStandbys: 0 };

  // balance: every member gets `base` tasks, `extras` of them one more
  const base = Math.floor(tasks.length / members.length);
  let extras = tasks.length % members.length;
  const give = (m: AssignorMember, t: TaskId): void => { active.get(m.memberId)!.push(t); owner.set(t, m); };
  const count = (m: AssignorMember): number => active.get(m.memberId)!.length;
  const known = new Set(tasks);
  // sticky passes: first up to `base` of what each member owned, then the extra slots; previous active owners before
  // standby owners (a standby has the state warm, but the active owner has it current)
  // local state is the process's (its threads share the state dir): per task, the processes that have it, best first
  const local = localHolders(members, input.changelogEnds);
  const holders = (t: TaskId): Holders => local.get(t) ?? [];
  // a member over its share keeps first the tasks that would cost most to move: no other process has state of them,
  // then the ones whose best other holder is furthest behind (a restarted process gets back what it has)
  const moveCost = (m: AssignorMember, t: TaskId): number => {
    const other = holders(t).find((h) => h.processId !== m.processId);
    return other === undefined ? Infinity : other.lag ?? 0;
  };
  const claims = (pick: (m: AssignorMember) => TaskId[]) => (limitExtra: boolean): void => {
    for (const m of members) {
      for (const t of [...pick(m)].sort((a, b) => moveCost(m, b) - moveCost(m, a) || compareTasks(a, b))) {
        if (!known.has(t) || owner.has(t)) continue;
        if (count(m) < base) give(m, t);
        else if (limitExtra && count(m) === base && extras > 0) { give(m, t); extras--; }
      }
    }
  };
  const activeClaims = claims((m) => m.ownedActive);
  const standbyClaims = claims((m) => m.ownedStandby);
  const localClaims = (limitExtra: boolean): void => {
    for (const t of tasks) {
      if (owner.has(t)) continue;
      for (const { processId } of holders(t)) {
        let best: AssignorMember | null = null;
        for (const m of members) if (m.processId === processId && (!best || count(m) < count(best))) best = m;
        if (best === null) continue;
        if (count(best) < base) give(best, t);
        else if (limitExtra && count(best) === base && extras > 0) { give(best, t); extras--; }
        if (owner.has(t)) break;
      }
    }
  };
  // previous active owners first (their state is current), then local state, then standby owners
  activeClaims(false);
  activeClaims(true);
  localClaims(false);
  localClaims(true);
  standbyClaims(false);
  standbyClaims(true);
  // the rest to the least loaded member (ties: the member of the least loaded process, then member order)
  const processLoad = (pid: string): number => members.filter((m) => m.processId === pid).reduce((n, m) => n + count(m), 0);
  for (const t of tasks) {
    if (owner.has(t)) continue;
    let best: AssignorMember | null = null;
    for (const m of members) {
      if (count(m) > base || (count(m) === base && extras === 0)) continue;
      if (!best || count(m) < count(best) || (count(m) === count(best) && processLoad(m.processId) < processLoad(best.processId))) best = m;
    }
    if (best === null) throw new Error(`task assignment: no member can take task ${t} (${members.length} members, ${tasks.length} tasks): a bug in the assignor`);
    if (count(best) === base) extras--;
    give(best, t);
  }

  // standbys: on members of processes without a copy of the task; previous holders of the task's state first
  let missingStandbys = 0;
  const standbyCount = (m: AssignorMember): number => standby.get(m.memberId)!.length;
  if (input.numStandbyReplicas > 0) {
    for (const t of tasks) {
      const processes = new Set([owner.get(t)!.processId]);
      for (let r = 0; r < input.numStandbyReplicas; r++) {
        const candidates = members.filter((m) => !processes.has(m.processId));
        if (candidates.length === 0) { missingStandbys += input.numStandbyReplicas - r; break; }
        // a standby it had, then local state (least behind first), then the previous active owner
        const local = holders(t);
        const warm = (m: AssignorMember): number => {
          if (m.ownedStandby.includes(t)) return local.length + 2;
          const i = local.findIndex((h) => h.processId === m.processId);
          return i >= 0 ? local.length + 1 - i : m.ownedActive.includes(t) ? 1 : 0;
        };
        // spread first: the standbys of one process's active tasks on different processes, so that when it dies
        // each survivor has a warm copy of what balance gives it (K2 saw two standbys of a dead process's tasks on one
        // survivor: balance moved one of them to a cold member, which restored it from the start)
        const activeProcess = owner.get(t)!.processId;
        const shared = (m: AssignorMember): number => members.filter((x) => x.processId === m.processId)
          .reduce((n, x) => n + standby.get(x.memberId)!.filter((u) => owner.get(u)!.processId === activeProcess).length, 0);
        let best = candidates[0];
        for (const m of candidates.slice(1)) {
          const d = shared(best) - shared(m);
          const w = warm(m) - warm(best);
          if (d > 0 || (d === 0 && (w > 0 || (w === 0 && (standbyCount(m) < standbyCount(best) || (standbyCount(m) === standbyCount(best) && count(m) + standbyCount(m) < count(best) + standbyCount(best))))))) best = m;
        }
        standby.get(best.memberId)!.push(t);
        processes.add(best.processId);
      }
    }
  }

  const byMember = new Map<string, OwnedTasks>(members.map((m) => [m.memberId, {
    active: active.get(m.memberId)!.sort(compareTasks), standby: standby.get(m.memberId)!.sort(compareTasks),
  }]));
  const hostMap = new Map<string, { active: TaskId[]; standby: TaskId[] }>();
  for (const m of members) {
    if (m.endpoint === null) continue;
    const h = hostMap.get(m.endpoint) ?? hostMap.set(m.endpoint, { active: [], standby: [] }).get(m.endpoint)!;
    h.active.push(...byMember.get(m.memberId)!.active);
    h.standby.push(...byMember.get(m.memberId)!.standby);
  }
  const hosts = [...hostMap].sort(([a], [b]) => cmp(a, b))
    .map(([endpoint, h]) => ({ endpoint, active: h.active.sort(compareTasks), standby: h.standby.sort(compareTasks) }));
  return { byMember, hosts, missingStandbys };
}
