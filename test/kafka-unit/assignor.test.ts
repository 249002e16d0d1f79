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
