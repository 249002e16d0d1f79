/**
 * StreamsGroupMember's heartbeat state machine against a scripted coordinator (no broker): what each heartbeat
 * carries, how responses turn into assignments, rebalanceRequested, lost and named errors.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { incrementalAlterConfigsV1 } from '@platformatic/kafka';
import type { KafkaClient } from '../../src/kafka/client.ts';
import { streamsGroupHeartbeat, type StreamsGroupHeartbeatRequest, type StreamsGroupHeartbeatResponse } from '../../src/kafka/streams-group/codec.ts';
import { StreamsGroupMember } from '../../src/kafka/streams-group/member.ts';
import { setStreamsGroupConfigs } from '../../src/kafka/streams-group/support.ts';
import type { StreamsMemberInfo } from '../../src/log-client/membership.ts';

const fakeClient = {
  where: 'fake:9092',
  retry: <T>(_what: string, f: () => Promise<T>) => f(),
  coordinator: async () => ({ host: 'fake', port: 9092 }),
  connection: async () => ({}),
  any: async () => ({}),
} as unknown as KafkaClient;

const info: StreamsMemberInfo = {
  processId: 'p-1', threadIndex: 2, endpoint: 'app-1.example:8080', numStandbyReplicas: 1, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000,
  protocol: 'streams',
  subtopologies: [
    { id: '0', partitions: 2, sourceTopics: ['in'], repartitionSourceTopics: [], repartitionSinkTopics: ['r'], stateChangelogTopics: ['c'], copartitionGroups: [] },
    { id: '1', partitions: 2, sourceTopics: [], repartitionSourceTopics: [{ name: 'r', partitions: 2 }], repartitionSinkTopics: [], stateChangelogTopics: [], copartitionGroups: [] },
  ],
};

const ok = (o: Partial<StreamsGroupHeartbeatResponse>): StreamsGroupHeartbeatResponse => ({
  throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: '', memberEpoch: 1, heartbeatIntervalMs: 60_000, acceptableRecoveryLag: 0,
  taskOffsetIntervalMs: 0, status: null, activeTasks: null, standbyTasks: null, warmupTasks: null, endpointInformationEpoch: 0, partitionsByUserEndpoint: null, ...o,
});

/** Answers heartbeats from a queue (then "nothing changed" at the last epoch) and records the requests. */
function coordinator() {
  const requests: StreamsGroupHeartbeatRequest[] = [];
  const queue: StreamsGroupHeartbeatResponse[] = [];
  let epoch = 1;
  const heartbeat = vi.spyOn(streamsGroupHeartbeat, 'async').mockImplementation(async (_conn, req) => {
    requests.push(req);
    const res = queue.shift() ?? ok({ memberEpoch: epoch });
    if (res.errorCode === 0) epoch = res.memberEpoch;
    return res;
  });
  const configs = vi.spyOn(incrementalAlterConfigsV1.api, 'async').mockImplementation(async () => ({ throttleTimeMs: 0, responses: [] }));
  return { requests, queue, heartbeat, configs };
}

const tick = () => new Promise((r) => setTimeout(r, 10));
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 300) throw new Error('timed out');
    await tick();
  }
}

afterEach(() => { vi.restoreAllMocks(); });

describe('StreamsGroupMember (scripted coordinator)', () => {
  it('joins with the topology, takes the assignment, reports what it owns and reconciles a new assignment', async () => {
    const c = coordinator();
    const lines: string[] = [];
    const m = new StreamsGroupMember(fakeClient, 'app', info, (l) => lines.push(l));
    c.queue.push(ok({
      memberEpoch: 3, heartbeatIntervalMs: 60_000, activeTasks: [{ subtopologyId: '0', partitions: [0, 1] }, { subtopologyId: '1', partitions: [1] }],
      standbyTasks: [], warmupTasks: [{ subtopologyId: '1', partitions: [0] }], status: [],
      partitionsByUserEndpoint: [{ userEndpoint: { host: 'app-1.example', port: 8080 }, activePartitions: [{ topic: 'in', partitions: [0, 1] }], standbyPartitions: [] }],
      endpointInformationEpoch: 4,
    }));
    const first = await m.poll({ active: [], standby: [] });
    // the group configs, then a join heartbeat
    expect(c.configs.mock.calls[0][1]).toEqual([{ resourceType: 32, resourceName: 'app', configs: [
      { name: 'streams.num.standby.replicas', configOperation: 0, value: '1' }, { name: 'streams.session.timeout.ms', configOperation: 0, value: '30000' },
    ] }]);
    const join = c.requests[0];
    expect(join).toMatchObject({
      groupId: 'app', memberId: m.memberId, memberEpoch: 0, rebalanceTimeoutMs: 60_000, processId: 'p-1', userEndpoint: { host: 'app-1.example', port: 8080 },
      clientTags: [], activeTasks: [], standbyTasks: [], warmupTasks: [],
    });
    expect(join.topology?.subtopologies.map((s) => [s.subtopologyId, s.sourceTopics, s.repartitionSourceTopics.map((t) => t.name), s.stateChangelogTopics.map((t) => t.name)]))
      .toEqual([['0', ['in'], [], ['c']], ['1', [], ['r'], []]]);
    // warm-up tasks are handed to the thread as standby tasks
    expect(first).toEqual({
      active: ['0_0', '0_1', '1_1'], standby: ['1_0'], hosts: [{ endpoint: 'app-1.example:8080', active: ['0_0', '0_1'], standby: [] }],
      partitions: [{ topic: 'in', partition: 0 }, { topic: 'in', partition: 1 }, { topic: 'r', partition: 1 }],
    });
    expect(m.rebalanceRequested).toBe(true); // it owns nothing yet
    expect(m.commitMetadata()).toEqual({ memberId: m.memberId, generationId: 3 });
    m.owned(first);
    expect(m.rebalanceRequested).toBe(false);
    await until(() => c.requests.length === 2); // owned() heartbeats at once
    expect(c.requests[1]).toMatchObject({
      memberEpoch: 3, topology: null, processId: null, userEndpoint: null, rebalanceTimeoutMs: -1, endpointInformationEpoch: 4,
      activeTasks: [{ subtopologyId: '0', partitions: [0, 1] }, { subtopologyId: '1', partitions: [1] }],
      standbyTasks: [], warmupTasks: [{ subtopologyId: '1', partitions: [0] }], // reported back as warm-up
    });
    // a new target: tasks 0_1 and 1_1 revoked
    c.queue.push(ok({ memberEpoch: 3, activeTasks: [{ subtopologyId: '0', partitions: [0] }], standbyTasks: [{ subtopologyId: '1', partitions: [0] }], warmupTasks: [] }));
    m.owned({ active: ['0_0', '0_1', '1_1'], standby: [] }); // a change: heartbeat now
    await until(() => m.rebalanceRequested && c.requests.length === 3);
    const next = await m.poll({ active: ['0_0', '0_1', '1_1'], standby: [] });
    expect(next).toMatchObject({ active: ['0_0'], standby: ['1_0'], partitions: [{ topic: 'in', partition: 0 }] });
    c.queue.push(ok({ memberEpoch: 4 }));
    m.owned(next);
    await until(() => c.requests.length === 4);
    expect(c.requests[3]).toMatchObject({ activeTasks: [{ subtopologyId: '0', partitions: [0] }], standbyTasks: [{ subtopologyId: '1', partitions: [0] }], warmupTasks: [] });
    await until(() => m.commitMetadata().generationId === 4);
    expect(m.rebalanceRequested).toBe(false);
    expect(lines.filter((l) => l.includes('assigns member')).length).toBe(2);
    await m.leave();
    expect(c.requests.at(-1)).toMatchObject({ memberEpoch: -1, activeTasks: null, topology: null });
  });

  it('logs each group status once per change', async () => {
    const c = coordinator();
    const lines: string[] = [];
    const m = new StreamsGroupMember(fakeClient, 'app', { ...info, endpoint: null }, (l) => lines.push(l));
    const missing = [{ statusCode: 1, statusDetail: 'Source topics in are missing.' }];
    c.queue.push(ok({ status: missing, activeTasks: [], standbyTasks: [], warmupTasks: [] }), ok({ status: missing }), ok({ status: null }),
      ok({ status: [{ statusCode: 3, statusDetail: 'Internal topics r are missing.' }] }), ok({ status: [] }));
    const got = await m.poll({ active: [], standby: [] });
    expect(got.active).toEqual([]);
    expect(c.requests[0].userEndpoint).toBeNull();
    for (let i = 0; i < 4; i++) {
      m.owned({ active: [], standby: i % 2 ? [] : ['1_0'] }); // a change each time: one heartbeat each
      await until(() => c.requests.length === i + 2);
    }
    await until(() => lines.some((l) => l.includes('status: ok')));
    expect(lines.filter((l) => l.includes('status'))).toEqual([
      "kafka: streams group 'app' status: MISSING_SOURCE_TOPICS: Source topics in are missing.",
      "kafka: streams group 'app' status: MISSING_INTERNAL_TOPICS: Internal topics r are missing.",
      "kafka: streams group 'app' status: ok (no missing or incorrectly partitioned topics)",
    ]);
    await m.leave();
  });

  it('a fenced member is lost and rejoins with epoch 0 on the next poll; a refused topology is a named error', async () => {
    const c = coordinator();
    const lines: string[] = [];
    const m = new StreamsGroupMember(fakeClient, 'app', info, (l) => lines.push(l));
    c.queue.push(ok({ memberEpoch: 5, activeTasks: [{ subtopologyId: '0', partitions: [0] }], standbyTasks: [], warmupTasks: [] }));
    const got = await m.poll({ active: [], standby: [] });
    c.queue.push(ok({ errorCode: 110, errorMessage: 'The member epoch is fenced', memberEpoch: -1 }));
    m.owned(got);
    await until(() => m.lost);
    expect(lines.join('\n')).toMatch(/was fenced \(FENCED_MEMBER_EPOCH \(The member epoch is fenced\)\): its tasks are lost/);
    c.queue.push(ok({ memberEpoch: 7, activeTasks: [{ subtopologyId: '0', partitions: [1] }], standbyTasks: [], warmupTasks: [] }));
    const again = await m.poll({ active: [], standby: [] });
    expect(m.lost).toBe(false);
    expect(c.requests.at(-1)).toMatchObject({ memberEpoch: 0, memberId: m.memberId, processId: 'p-1' });
    expect(c.requests.at(-1)?.topology).not.toBeNull();
    expect(again.active).toEqual(['0_1']);
    expect(m.commitMetadata().generationId).toBe(7);
    expect(c.configs).toHaveBeenCalledTimes(1); // group configs once per member
    c.queue.push(ok({ errorCode: 132, errorMessage: 'Topology differs' }));
    m.owned(again);
    await until(() => m.rebalanceRequested);
    await expect(m.poll(again)).rejects.toThrow(/STREAMS_TOPOLOGY_FENCED \(Topology differs\): the group already runs a different topology/);
    await m.leave();
  });

  it('reports local state as TaskOffsets with the join, null while unchanged, again when a poll reports other sums or it rejoins', async () => {
    const c = coordinator();
    const m = new StreamsGroupMember(fakeClient, 'app', info);
    c.queue.push(ok({ memberEpoch: 2, activeTasks: [{ subtopologyId: '0', partitions: [1] }], standbyTasks: [], warmupTasks: [] }));
    const got = await m.poll({ active: [], standby: [], localOffsetSums: { '1_0': 7, '0_1': 12, '10_0': 3 } });
    // sorted by sub-topology id (numerically, as task ids), then partition; no end offsets (unknown)
    expect(c.requests[0]).toMatchObject({ memberEpoch: 0, taskEndOffsets: null });
    expect(c.requests[0].taskOffsets).toEqual([
      { subtopologyId: '0', partition: 1, offset: 12n }, { subtopologyId: '1', partition: 0, offset: 7n }, { subtopologyId: '10', partition: 0, offset: 3n },
    ]);
    m.owned(got);
    await until(() => c.requests.length === 2);
    expect(c.requests[1].taskOffsets).toBeNull(); // unchanged
    // a rebalance: the thread's poll reports other sums (0_1 now runs here: not local state any more)
    c.queue.push(ok({ memberEpoch: 3, activeTasks: [{ subtopologyId: '0', partitions: [1] }], standbyTasks: [{ subtopologyId: '1', partitions: [0] }], warmupTasks: [] }));
    m.owned({ active: [], standby: [] });
    await until(() => m.rebalanceRequested && c.requests.length === 3);
    const next = await m.poll({ active: ['0_1'], standby: [], localOffsetSums: { '1_0': 9 } });
    m.owned(next);
    await until(() => c.requests.length === 4);
    expect(c.requests[3].taskOffsets).toEqual([{ subtopologyId: '1', partition: 0, offset: 9n }]);
    // fenced: the rejoin (epoch 0) reports them again
    c.queue.push(ok({ errorCode: 110, errorMessage: 'fenced', memberEpoch: -1 }));
    m.owned({ active: ['0_1'], standby: [] });
    await until(() => m.lost);
    c.queue.push(ok({ memberEpoch: 5, activeTasks: [], standbyTasks: [], warmupTasks: [] }));
    await m.poll({ active: [], standby: [] });
    expect(c.requests.at(-1)).toMatchObject({ memberEpoch: 0, taskOffsets: [{ subtopologyId: '1', partition: 0, offset: 9n }] });
    await m.leave();
  });

  it('a refused group config names the missing permission', async () => {
    vi.spyOn(incrementalAlterConfigsV1.api, 'async').mockRejectedValue(Object.assign(new Error('refused'), { apiId: 'GROUP_AUTHORIZATION_FAILED' }));
    const err = await setStreamsGroupConfigs(fakeClient, 'app', { numStandbyReplicas: 1 }).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/refused to set streams.num.standby.replicas=1 on group 'app' \(GROUP_AUTHORIZATION_FAILED\): the principal needs the ALTER_CONFIGS permission/);
    const m = new StreamsGroupMember(fakeClient, 'app', info);
    await expect(m.poll({ active: [], standby: [] })).rejects.toThrow(/ALTER_CONFIGS permission on the group resource 'app'/);
  });
});
