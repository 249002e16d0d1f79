/**
 * The classic protocol's task assignor (src/kafka/assignor.ts): balance, stickiness across rebalances, standby
 * placement, determinism, co-partitioning; and the user data codecs of the classic streams member.
 */
import { describe, expect, it } from 'vitest';
import { assignTasks, taskPartitions, tasksOf, topologyProblems, type AssignorMember } from '../../src/kafka/assignor.ts';
import {
  decodeStreamsAssignment, decodeStreamsSubscription, encodeStreamsAssignment, encodeStreamsSubscription,
} from '../../src/kafka/classic-member.ts';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, rangeAssign } from '../../src/kafka/consumer-protocol.ts';
import type { OwnedTasks, SubtopologyInfo } from '../../src/log-client/membership.ts';

const sub = (id: string, partitions: number, sourceTopics: string[], repartition: string[] = []): SubtopologyInfo => ({
  id, partitions, sourceTopics, repartitionSourceTopics: repartition.map((name) => ({ name, partitions })), repartitionSinkTopics: [],
  stateChangelogTopics: [], copartitionGroups: sourceTopics.length > 1 ? [sourceTopics] : [],
});

const member = (memberId: string, processId: string, owned: Partial<OwnedTasks> = {}, threadIndex = 1): AssignorMember => ({
  memberId, processId, threadIndex, endpoint: `${processId}:80`, ownedActive: owned.active ?? [], ownedStandby: owned.standby ?? [],
});

function check(byMember: Map<string, OwnedTasks>, tasks: string[]): void {
  const all = [...byMember.values()].flatMap((o) => o.active).sort();
  expect(all).toEqual([...tasks].sort()); // complete and disjoint
  const counts = [...byMember.values()].map((o) => o.active.length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
}

const topo = [sub('0', 6, ['left', 'right']), sub('1', 4, [], ['app-repartition'])];
const tasks = tasksOf(topo);

describe('tasksOf and taskPartitions', () => {
  it('a task per sub-topology and partition; partition n of co-partitioned topics is one task', () => {
    expect(tasks).toEqual(['0_0', '0_1', '0_2', '0_3', '0_4', '0_5', '1_0', '1_1', '1_2', '1_3']);
    expect(taskPartitions('0_3', topo)).toEqual([{ topic: 'left', partition: 3 }, { topic: 'right', partition: 3 }]);
    expect(taskPartitions('1_2', topo)).toEqual([{ topic: 'app-repartition', partition: 2 }]);
    expect(tasksOf([sub('10', 1, ['a']), sub('2', 1, ['b'])])).toEqual(['2_0', '10_0']);
    // a merge of topics that are not co-partitioned: the smaller topic is read by the tasks whose partition it has
    const merged = [{ ...sub('0', 4, ['big', 'small']), copartitionGroups: [] }];
    const counts = new Map([['big', 4], ['small', 2]]);
    expect(taskPartitions('0_1', merged, counts)).toEqual([{ topic: 'big', partition: 1 }, { topic: 'small', partition: 1 }]);
    expect(taskPartitions('0_3', merged, counts)).toEqual([{ topic: 'big', partition: 3 }]);
  });

  it('names what keeps a topology from being assigned', () => {
    const counts = new Map<string, number | undefined>([['left', 6], ['right', 6], ['app-repartition', 4]]);
    expect(topologyProblems(topo, counts)).toEqual([]);
    expect(topologyProblems(topo, new Map([...counts, ['right', undefined]]))).toEqual([
      "source topic 'right' of sub-topology 0 does not exist: create it (streams-run --create-topics, or topics create)"]);
    expect(topologyProblems(topo, new Map([...counts, ['right', 3]]))[0]).toMatch(/topics 'left' \(6 partitions\), 'right' \(3 partitions\) of sub-topology 0 must be co-partitioned/);
    expect(topologyProblems(topo, new Map([...counts, ['app-repartition', 8]]))).toEqual([
      'sub-topology 1 was planned with 4 task(s) but its source topics now have up to 8 partitions: restart every instance so they plan with the topics as they are']);
  });
});

describe('assignTasks', () => {
  it('balances active tasks over members (counts differ by at most 1), complete and disjoint', () => {
    for (const n of [1, 2, 3, 4, 7, 11, 12]) {
      const members = Array.from({ length: n }, (_, i) => member(`m${i}`, `p${i % 3}`, {}, Math.floor(i / 3) + 1));
      check(assignTasks({ tasks, members, numStandbyReplicas: 0 }).byMember, tasks);
    }
    const r = assignTasks({ tasks, members: [member('a', 'p1'), member('b', 'p2'), member('c', 'p3')], numStandbyReplicas: 0 });
    expect([...r.byMember.values()].map((o) => o.active.length).sort()).toEqual([3, 3, 4]);
  });

  it('is sticky: a new member takes only what balance needs; the others keep theirs', () => {
    const first = assignTasks({ tasks, members: [member('a', 'p1'), member('b', 'p2')], numStandbyReplicas: 0 }).byMember;
    const owned = (id: string): Partial<OwnedTasks> => ({ active: first.get(id)!.active });
    const second = assignTasks({ tasks, members: [member('a', 'p1', owned('a')), member('b', 'p2', owned('b')), member('c', 'p3')], numStandbyReplicas: 0 }).byMember;
    check(second, tasks);
    for (const id of ['a', 'b']) for (const t of second.get(id)!.active) expect(first.get(id)!.active).toContain(t);
    // 10 tasks over 3: c takes 3, a and b give up exactly what they must
    expect(second.get('c')!.active).toHaveLength(3);
    const moved = tasks.filter((t) => !['a', 'b'].some((id) => first.get(id)!.active.includes(t) && second.get(id)!.active.includes(t)));
    expect(moved).toHaveLength(3);
    // a member leaves: the others keep all they had and share its tasks
    const third = assignTasks({ tasks, members: [member('a', 'p1', { active: second.get('a')!.active }), member('c', 'p3', { active: second.get('c')!.active })], numStandbyReplicas: 0 }).byMember;
    check(third, tasks);
    for (const id of ['a', 'c']) for (const t of second.get(id)!.active) expect(third.get(id)!.active).toContain(t);
  });

  it('prefers a standby owner when the active owner is gone', () => {
    const r = assignTasks({
      tasks: ['0_0', '0_1', '0_2', '0_3'],
      members: [member('a', 'p1', { active: ['0_0', '0_1'], standby: ['0_2'] }), member('b', 'p2', { standby: ['0_0', '0_3'] })],
      numStandbyReplicas: 0,
    }).byMember;
    expect(r.get('a')!.active).toEqual(['0_0', '0_1']);
    expect(r.get('b')!.active).toEqual(['0_2', '0_3']);
    const s = assignTasks({
      tasks: ['0_0', '0_1', '0_2', '0_3'],
      members: [member('a', 'p1', { active: ['0_0'] }), member('b', 'p2', { standby: ['0_3'] }), member('c', 'p3', { standby: ['0_2'] })],
      numStandbyReplicas: 0,
    }).byMember;
    expect(s.get('b')!.active).toContain('0_3');
    expect(s.get('c')!.active).toContain('0_2');
  });

  it('gives a restarted process (owning nothing, local state in its state dir) its tasks back, balance kept', () => {
    const members = [member('a1', 'p1', {}, 1), member('a2', 'p1', {}, 2), member('b1', 'p2', {}, 1), member('c1', 'p3', {}, 1)];
    const tasks = tasksOf([sub('0', 6, ['left']), sub('1', 6, ['right'])]); // 3 per member
    const first = assignTasks({ tasks, members, numStandbyReplicas: 0 }).byMember;
    const ofProcess = (r: Map<string, OwnedTasks>, ms: AssignorMember[], pid: string) => ms.filter((m) => m.processId === pid).flatMap((m) => r.get(m.memberId)!.active).sort();
    const mine = first.get('b1')!.active;
    // p2 stops: the others share its tasks
    const others = members.filter((m) => m.processId !== 'p2').map((m) => ({ ...m, ownedActive: first.get(m.memberId)!.active }));
    const without = assignTasks({ tasks, members: others, numStandbyReplicas: 0 }).byMember;
    check(without, tasks);
    // p2 restarts with the same state dir: a new member id, nothing owned, its tasks' checkpoints on disk
    const back = [...others.map((m) => ({ ...m, ownedActive: without.get(m.memberId)!.active })), { ...member('b1-new', 'p2'), localOffsetSums: Object.fromEntries(mine.map((t, i) => [t, 100 + i])) }];
    const r = assignTasks({ tasks, members: back, numStandbyReplicas: 0 }).byMember;
    check(r, tasks);
    expect(r.get('b1-new')!.active).toEqual(mine);
    for (const pid of ['p1', 'p3']) expect(ofProcess(r, members, pid)).toEqual(ofProcess(first, members, pid));
    // without the sums it gets whatever the others let go of first
    const blind = assignTasks({ tasks, members: back.map((m) => ({ ...m, localOffsetSums: undefined })), numStandbyReplicas: 0 }).byMember;
    check(blind, tasks);
    expect(blind.get('b1-new')!.active).not.toEqual(mine);
    // every process restarts at once (nobody owns anything): each gets what its state dir has, p1's two threads share its part
    const disk: Record<string, string> = { p1: 'p1', p2: 'p3', p3: 'p2' }; // state dirs that hold another split than a fresh one
    const all = members.map((m) => ({ ...m, memberId: `${m.memberId}-new`, localOffsetSums: Object.fromEntries(ofProcess(first, members, disk[m.processId]).map((t) => [t, 7])) }));
    const again = assignTasks({ tasks, members: all, numStandbyReplicas: 0 }).byMember;
    check(again, tasks);
    for (const pid of ['p1', 'p2', 'p3']) expect(ofProcess(again, all, pid)).toEqual(ofProcess(first, members, disk[pid]));
  });

  it('local state: the previous active owner first, then the highest offset sum, then a standby owner; balance holds', () => {
    const four = ['0_0', '0_1', '0_2', '0_3'];
    // 0_0: a still runs it; b has older state of it on disk; 0_1: b has it at 50, c at 80: c is closer to the end
    const r = assignTasks({
      tasks: four,
      members: [
        member('a', 'p1', { active: ['0_0'] }),
        { ...member('b', 'p2'), localOffsetSums: { '0_0': 10, '0_1': 50 } },
        { ...member('c', 'p3'), localOffsetSums: { '0_1': 80 } },
        member('d', 'p4', { standby: ['0_1', '0_2'] }),
      ],
      numStandbyReplicas: 0,
    }).byMember;
    expect(r.get('a')!.active).toEqual(['0_0']);
    expect(r.get('c')!.active).toEqual(['0_1']);
    expect(r.get('d')!.active).toEqual(['0_2']);
    expect(r.get('b')!.active).toEqual(['0_3']);
    // a process holding more local state than its share keeps only its share (the highest sums win the rest elsewhere)
    const greedy = assignTasks({
      tasks: four,
      members: [{ ...member('a', 'p1'), localOffsetSums: { '0_0': 5, '0_1': 5, '0_2': 5, '0_3': 1 } }, { ...member('b', 'p2'), localOffsetSums: { '0_3': 9 } }],
      numStandbyReplicas: 0,
    }).byMember;
    check(greedy, four);
    expect(greedy.get('b')!.active).toContain('0_3');
    // standbys go where local state is (highest sum first) when nobody ran them as standbys
    const sb = assignTasks({
      tasks: ['0_0'],
      members: [member('a', 'p1', { active: ['0_0'] }), member('b', 'p2'), { ...member('c', 'p3'), localOffsetSums: { '0_0': 3 } }, { ...member('d', 'p4'), localOffsetSums: { '0_0': 4 } }],
      numStandbyReplicas: 1,
    }).byMember;
    expect(sb.get('d')!.standby).toEqual(['0_0']);
    // determinism: the same members in another order, and two threads of one process reporting different sums
    const ms: AssignorMember[] = [{ ...member('x1', 'p1', {}, 1), localOffsetSums: { '0_1': 3 } }, { ...member('x2', 'p1', {}, 2), localOffsetSums: { '0_1': 9, '1_0': 2 } }, { ...member('y', 'p2'), localOffsetSums: { '0_1': 5, '1_0': 4 } }];
    const one = assignTasks({ tasks, members: ms, numStandbyReplicas: 1 });
    const two = assignTasks({ tasks: [...tasks].reverse(), members: [...ms].reverse(), numStandbyReplicas: 1 });
    expect([...one.byMember].sort()).toEqual([...two.byMember].sort());
    expect([...one.byMember.get('x1')!.active, ...one.byMember.get('x2')!.active]).toContain('0_1');
    expect(one.byMember.get('y')!.active).toContain('1_0');
    expect(one.byMember.get('y')!.active).not.toContain('0_1');
  });

  it('with the changelog ends: local state ranks by lag; an owner over its share lets go first of what another process has least behind', () => {
    const four = ['0_0', '0_1', '0_2', '0_3'];
    // b owns everything (a was down); a restarted with state of all four: 0_0 and 0_1 nearly current, 0_2 and 0_3 empty
    const members: AssignorMember[] = [
      { ...member('a', 'p1'), localOffsetSums: { '0_0': 990, '0_1': 1990, '0_2': 0, '0_3': 0 } },
      member('b', 'p2', { active: four }),
    ];
    const changelogEnds = new Map([['0_0', 1000], ['0_1', 2000], ['0_2', 500], ['0_3', 700]]);
    const r = assignTasks({ tasks: four, members, numStandbyReplicas: 0, changelogEnds }).byMember;
    expect(r.get('a')!.active).toEqual(['0_0', '0_1']);
    expect(r.get('b')!.active).toEqual(['0_2', '0_3']);
    // without the ends every task a has state of looks alike to b: it keeps the first ones in task order
    expect(assignTasks({ tasks: four, members, numStandbyReplicas: 0 }).byMember.get('a')!.active).toEqual(['0_2', '0_3']);
    // a sum past the changelog end (state of an older changelog) counts as the whole changelog behind
    const ranked = assignTasks({
      tasks: ['0_0', '0_1'],
      members: [{ ...member('a', 'p1'), localOffsetSums: { '0_0': 5000 } }, { ...member('b', 'p2'), localOffsetSums: { '0_0': 900 } }],
      numStandbyReplicas: 0, changelogEnds: new Map([['0_0', 1000]]),
    }).byMember;
    expect(ranked.get('b')!.active).toEqual(['0_0']);
  });

  it('places standbys only in other processes than the active copy, never two copies of a task in one process', () => {
    const members = [member('a1', 'p1', {}, 1), member('a2', 'p1', {}, 2), member('b1', 'p2', {}, 1), member('c1', 'p3', {}, 1)];
    const r = assignTasks({ tasks, members, numStandbyReplicas: 2 });
    check(r.byMember, tasks);
    expect(r.missingStandbys).toBe(0);
    const proc = new Map(members.map((m) => [m.memberId, m.processId]));
    for (const t of tasks) {
      const holders = [...r.byMember].filter(([, o]) => o.active.includes(t) || o.standby.includes(t)).map(([id]) => proc.get(id));
      expect(holders).toHaveLength(3);
      expect(new Set(holders).size).toBe(3);
    }
    const standbys = [...r.byMember.values()].map((o) => o.standby.length);
    expect(standbys.reduce((a, b) => a + b, 0)).toBe(tasks.length * 2);
  });

  it('places fewer standbys when there are too few processes', () => {
    const one = assignTasks({ tasks, members: [member('a1', 'p1', {}, 1), member('a2', 'p1', {}, 2)], numStandbyReplicas: 1 });
    expect([...one.byMember.values()].flatMap((o) => o.standby)).toEqual([]);
    expect(one.missingStandbys).toBe(tasks.length);
    const two = assignTasks({ tasks, members: [member('a', 'p1'), member('b', 'p2')], numStandbyReplicas: 2 });
    expect([...two.byMember.values()].flatMap((o) => o.standby)).toHaveLength(tasks.length);
    expect(two.missingStandbys).toBe(tasks.length);
    for (const [, o] of two.byMember) for (const t of o.standby) expect(o.active).not.toContain(t);
  });

  it('keeps a standby where its state is warm', () => {
    const members = [member('a', 'p1'), member('b', 'p2'), member('c', 'p3')];
    const first = assignTasks({ tasks, members, numStandbyReplicas: 1 }).byMember;
    const again = assignTasks({ tasks, members: members.map((m) => ({ ...m, ownedActive: first.get(m.memberId)!.active, ownedStandby: first.get(m.memberId)!.standby })), numStandbyReplicas: 1 }).byMember;
    expect(again).toEqual(first);
  });

  it('spreads the standbys of one process\'s active tasks over the other processes, so every failover finds them warm', () => {
    // K2 (3 instances, 6 tasks, 1 standby): both standbys of one instance's tasks sat on one survivor (kept warm from
    // the 2-instance layout); when it died balance gave one task to the other survivor, which restored it cold
    const six = tasksOf([sub('0', 6, ['in'])]);
    const before = [
      member('a', 'A', { active: ['0_0', '0_1'], standby: ['0_2', '0_3'] }),
      member('b', 'B', { active: ['0_2', '0_3'], standby: ['0_0', '0_1'] }),
      member('c', 'C', { active: ['0_4', '0_5'] }),
    ];
    const { byMember } = assignTasks({ tasks: six, members: before, numStandbyReplicas: 1 });
    check(byMember, six);
    for (const [m, o] of byMember) {
      const holders = o.active.map((t) => [...byMember].find(([, x]) => x.standby.includes(t))![0]);
      expect(new Set(holders).size, `standbys of ${m}'s tasks ${o.active.join(', ')}`).toBe(o.active.length);
      expect(holders).not.toContain(m);
    }
    // each instance dies in turn: every task it had goes to the survivor holding its standby
    for (const dead of ['a', 'b', 'c']) {
      const survivors = [...byMember].filter(([m]) => m !== dead).map(([m, o]) => member(m, m.toUpperCase(), o));
      const after = assignTasks({ tasks: six, members: survivors, numStandbyReplicas: 1 }).byMember;
      for (const t of byMember.get(dead)!.active) {
        const holder = [...byMember].find(([, x]) => x.standby.includes(t))![0];
        expect(after.get(holder)!.active, `${t} after ${dead} died`).toContain(t);
      }
    }
  });

  it('is deterministic whatever the order of the members', () => {
    const members = [member('x', 'p2', { active: ['0_1'] }), member('y', 'p1', { standby: ['1_1'] }), member('z', 'p3', {}, 2), member('w', 'p3', {}, 1)];
    const a = assignTasks({ tasks, members, numStandbyReplicas: 1 });
    const b = assignTasks({ tasks: [...tasks].reverse(), members: [...members].reverse(), numStandbyReplicas: 1 });
    expect([...a.byMember].sort()).toEqual([...b.byMember].sort());
    expect(a.hosts).toEqual(b.hosts);
  });

  it('lists every endpoint with its active and standby tasks (hosts)', () => {
    const members = [member('a1', 'p1', {}, 1), member('a2', 'p1', {}, 2), member('b', 'p2'), { ...member('c', 'p3'), endpoint: null }];
    const r = assignTasks({ tasks, members, numStandbyReplicas: 1 });
    expect(r.hosts.map((h) => h.endpoint)).toEqual(['p1:80', 'p2:80']);
    const p1 = r.hosts[0];
    expect(p1.active).toEqual([...r.byMember.get('a1')!.active, ...r.byMember.get('a2')!.active].sort((x, y) => tasks.indexOf(x) - tasks.indexOf(y)));
    expect(p1.standby.length).toBe(r.byMember.get('a1')!.standby.length + r.byMember.get('a2')!.standby.length);
  });
});

describe('ConsumerProtocol and the stream user data', () => {
  it('round-trips subscriptions and assignments', () => {
    const userData = encodeStreamsSubscription({ processId: 'p-1', threadIndex: 2, endpoint: null, owned: { active: ['0_1'], standby: ['1_0', '1_2'] } });
    const s = decodeSubscription(encodeSubscription({ topics: ['a', 'b'], userData }), 'm');
    expect(s.topics).toEqual(['a', 'b']);
    expect(decodeStreamsSubscription(s.userData, 'm')).toEqual({ processId: 'p-1', threadIndex: 2, endpoint: null, owned: { active: ['0_1'], standby: ['1_0', '1_2'] } });
    // the local task offset sums are a trailing field: a reader of the prefix alone (an older build) reads the same
    const withSums = encodeStreamsSubscription({ processId: 'p-1', threadIndex: 2, endpoint: 'h:9', owned: { active: [], standby: ['1_0'] }, localOffsetSums: { '1_0': 12, '0_3': 2 ** 40 } });
    expect(decodeStreamsSubscription(withSums, 'm')).toEqual({ processId: 'p-1', threadIndex: 2, endpoint: 'h:9', owned: { active: [], standby: ['1_0'] }, localOffsetSums: { '1_0': 12, '0_3': 2 ** 40 } });
    const prefix = encodeStreamsSubscription({ processId: 'p-1', threadIndex: 2, endpoint: 'h:9', owned: { active: [], standby: ['1_0'] } });
    expect(withSums.subarray(0, prefix.length)).toEqual(prefix);
    expect(() => decodeStreamsSubscription(withSums.subarray(0, withSums.length - 3), 'm-8')).toThrow(/member m-8 is truncated/);
    const hosts = [{ endpoint: 'h:1', active: ['0_0'], standby: [] }, { endpoint: 'h:2', active: [], standby: ['0_0'] }];
    const a = decodeAssignment(encodeAssignment({ partitions: [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }], userData: encodeStreamsAssignment({ error: null, active: ['0_0'], standby: [], hosts }) }));
    expect(a.partitions).toEqual([{ topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }]);
    expect(decodeStreamsAssignment(a.userData)).toEqual({ error: null, active: ['0_0'], standby: [], hosts });
    const failed = encodeStreamsAssignment({ error: "source topic 'x' does not exist", active: [], standby: [], hosts: [] });
    expect(decodeStreamsAssignment(failed).error).toBe("source topic 'x' does not exist");
  });

  it('names an unknown user data version and a member without stream user data', () => {
    const v2 = Buffer.from([0, 2, 0, 0]);
    expect(() => decodeStreamsSubscription(v2, 'm-7')).toThrow(/member m-7 has user data version 2; this build reads version 1/);
    expect(() => decodeStreamsSubscription(null, 'm-7')).toThrow(/no stream user data: a plain consumer/);
    expect(() => decodeStreamsAssignment(Buffer.from([0, 1, 0]))).toThrow(/truncated/);
  });

  it("range-assigns plain consumers' partitions per topic (Kafka's RangeAssignor)", () => {
    const plan = rangeAssign([{ memberId: 'b', topics: ['t', 'u'] }, { memberId: 'a', topics: ['t', 'u'] }, { memberId: 'c', topics: ['u'] }], (t) => (t === 't' ? 5 : 3));
    expect(plan.get('a')).toEqual([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }, { topic: 'u', partition: 0 }]);
    expect(plan.get('b')).toEqual([{ topic: 't', partition: 3 }, { topic: 't', partition: 4 }, { topic: 'u', partition: 1 }]);
    expect(plan.get('c')).toEqual([{ topic: 'u', partition: 2 }]);
  });
});
