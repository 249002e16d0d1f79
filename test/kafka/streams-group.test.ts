/**
 * Kafka's streams group protocol (KIP-1071) against a 4.4 broker: StreamsGroupMember's heartbeat state machine,
 * the broker's task assignment (disjoint, complete, revoke before reassign, standbys on another process), fencing
 * after the session timeout, group statuses, group configs, and offset commits checked against the member epoch;
 * a member's local state reported as TaskOffsets (kept by the broker, used for standby placement).
 * Each test uses its own group and topics (a random suffix), so they do not wait for one another's deletions.
 */
import { randomUUID } from 'node:crypto';
import { offsetCommitV9 } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { OwnedTasks, StreamsMemberInfo, SubtopologyInfo, TaskAssignment } from '../../src/log-client/membership.ts';
import type { LogClient } from '../../src/log-client/client.ts';
import { openKafkaLog } from '../../src/kafka/index.ts';
import { KafkaClient, protocolErrorId } from '../../src/kafka/client.ts';
import { streamsGroupDescribe } from '../../src/kafka/streams-group/codec.ts';
import { StreamsGroupMember } from '../../src/kafka/streams-group/member.ts';
import { setStreamsGroupConfigs, streamsGroupSupportOf, supportsStreamsGroups } from '../../src/kafka/streams-group/support.ts';

const bootstrap = inject('kafkaBootstrap');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let log: LogClient;
const clients: KafkaClient[] = [];
const members: StreamsGroupMember[] = [];
const endpoints = new Map<StreamsGroupMember, string | null>();
const endpointOf = (t: { m: StreamsGroupMember }) => endpoints.get(t.m) ?? '';

beforeAll(async () => { log = await openKafkaLog({ bootstrapServers: bootstrap }); });
afterAll(async () => {
  for (const m of members) await m.leave().catch(() => undefined);
  for (const c of clients) await c.close();
  await log.close();
});

function client(): KafkaClient {
  const c = new KafkaClient({ bootstrapServers: bootstrap, retryForMs: 20_000 });
  clients.push(c);
  return c;
}

/** Sub-topology 0 reads `<app>-in` and writes the repartition topic; sub-topology 1 reads it; both have a store. */
async function topology(partitions = 4, createInput = true): Promise<{ app: string; input: string; subs: SubtopologyInfo[] }> {
  const app = `sg-${randomUUID().slice(0, 8)}`;
  const input = `${app}-in`;
  if (createInput) await log.admin.createTopic(input, { partitions });
  const rep = `${app}-agg-repartition`;
  const subs: SubtopologyInfo[] = [
    { id: '0', partitions, sourceTopics: [input], repartitionSourceTopics: [], repartitionSinkTopics: [rep], stateChangelogTopics: [`${app}-s0-changelog`], copartitionGroups: [] },
    { id: '1', partitions, sourceTopics: [], repartitionSourceTopics: [{ name: rep, partitions }], repartitionSinkTopics: [], stateChangelogTopics: [`${app}-s1-changelog`], copartitionGroups: [] },
  ];
  return { app, input, subs };
}

interface MemberOptions { lines?: string[]; endpoint?: string | null; sessionTimeoutMs?: number; numStandbyReplicas?: number }

/** A member; its first poll sets the group configs numStandbyReplicas (0) and sessionTimeoutMs (2000). */
function member(app: string, subs: SubtopologyInfo[], o: MemberOptions = {}): StreamsGroupMember {
  const processId = randomUUID();
  const lines = o.lines ?? [];
  const endpoint = o.endpoint === undefined ? `host-${processId.slice(0, 4)}:8080` : o.endpoint;
  const info: StreamsMemberInfo = {
    processId, threadIndex: 1, endpoint, subtopologies: subs, numStandbyReplicas: o.numStandbyReplicas ?? 0,
    sessionTimeoutMs: o.sessionTimeoutMs ?? 2000, rebalanceTimeoutMs: 10_000, protocol: 'streams',
  };
  const m = new StreamsGroupMember(client(), app, info, (l) => lines.push(l));
  members.push(m);
  endpoints.set(m, endpoint);
  return m;
}

/** A stream thread's side of the contract: poll, own what it was given, re-poll when asked. */
class Thread {
  owned: OwnedTasks = { active: [], standby: [] };
  last: TaskAssignment | null = null;
  polls = 0;
  private stop = false;
  private done: Promise<void> | null = null;
  /** `local`: the local task offset sums every poll reports (a state dir's checkpoints). */
  constructor(readonly m: StreamsGroupMember, private readonly local?: Record<string, number>) {}

  start(): this {
    this.done = (async () => {
      while (!this.stop) {
        if (this.polls === 0 || this.m.rebalanceRequested || this.m.lost) {
          if (this.m.lost) this.owned = { active: [], standby: [] };
          this.last = await this.m.poll(this.local ? { ...this.owned, localOffsetSums: this.local } : this.owned);
          this.polls++;
          this.owned = { active: this.last.active, standby: this.last.standby };
          this.m.owned(this.owned);
        }
        await sleep(20);
      }
    })();
    return this;
  }

  async halt(): Promise<void> {
    this.stop = true;
    await this.done;
  }
}

/** Polls (and owns what it got) until the member has n active tasks. */
async function pollUntil(m: StreamsGroupMember, n: number): Promise<TaskAssignment> {
  let got = await m.poll({ active: [], standby: [] });
  m.owned(got);
  for (const end = Date.now() + 20_000; got.active.length < n;) {
    if (Date.now() > end) throw new Error(`member ${m.memberId} has ${got.active.length} active tasks, not ${n}`);
    await sleep(50);
    if (m.rebalanceRequested) {
      got = await m.poll(got);
      m.owned(got);
    }
  }
  return got;
}

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !cond();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const allTasks = (n: number) => ['0', '1'].flatMap((s) => Array.from({ length: n }, (_, p) => `${s}_${p}`));
const sorted = (a: string[]) => [...a].sort();
const stable = (threads: Thread[]) => threads.every((t) => t.polls > 0 && !t.m.rebalanceRequested);

describe('streams group protocol (KIP-1071) on a 4.4 broker', () => {
  it('the broker supports streams groups; group configs are set with IncrementalAlterConfigs', async () => {
    const c = client();
    expect(await supportsStreamsGroups(c)).toBe(true);
    expect((await streamsGroupSupportOf(c)).reason).toMatch(/every broker/);
    await setStreamsGroupConfigs(c, `sg-cfg-${randomUUID().slice(0, 8)}`, { numStandbyReplicas: 1, sessionTimeoutMs: 2000 });
    await expect(setStreamsGroupConfigs(c, `sg-cfg-${randomUUID().slice(0, 8)}`, { numStandbyReplicas: 99 })).rejects.toThrow(/streams.num.standby.replicas=99/);
  });

  it('two members get disjoint, complete active task sets; when one leaves the other gets every task', async () => {
    const { app, subs } = await topology();
    const lines: string[] = [];
    const a = new Thread(member(app, subs, { lines })).start();
    const b = new Thread(member(app, subs)).start();
    await until('a balanced assignment', () => stable([a, b]) && a.owned.active.length + b.owned.active.length === 8 && a.owned.active.length > 0 && b.owned.active.length > 0);
    expect(sorted([...a.owned.active, ...b.owned.active])).toEqual(sorted(allTasks(4)));
    expect(a.owned.active.filter((t) => b.owned.active.includes(t))).toEqual([]);
    // the active tasks' source partitions: the input topic for sub-topology 0, the repartition topic for 1
    expect(a.last!.partitions.length).toBe(a.owned.active.length);
    expect(lines.join('\n')).toMatch(/joined streams group/);
    // endpoints → tasks for query routing
    const hostsMatch = () => {
      const h = new Map(a.m.hosts.map((x) => [x.endpoint, sorted(x.active)]));
      return h.size === 2 && [a, b].every((t) => JSON.stringify(h.get(endpointOf(t))) === JSON.stringify(sorted(t.owned.active)));
    };
    await until('endpoint → tasks of both members', hostsMatch, 15_000);
    await b.halt();
    await b.m.leave();
    await until('the remaining member owning every task', () => stable([a]) && a.owned.active.length === 8);
    expect(sorted(a.owned.active)).toEqual(sorted(allTasks(4)));
    const desc = await streamsGroupDescribe.async(await clients[0].connection(await clients[0].coordinator(0, app), 'group'), [app], false);
    expect(desc.groups[0].members.map((m) => m.memberId)).toEqual([a.m.memberId]);
    expect(desc.groups[0].topology?.subtopologies?.map((s) => s.subtopologyId).sort()).toEqual(['0', '1']);
    await a.halt();
  });

  it('a joining member reports its local state as TaskOffsets: the broker keeps them and places standbys where that state is', async () => {
    const { app, subs } = await topology();
    const a = new Thread(member(app, subs, { numStandbyReplicas: 1 })).start();
    const c = new Thread(member(app, subs, { numStandbyReplicas: 1 })).start();
    await until('a and c sharing every task', () => stable([a, c]) && a.owned.active.length + c.owned.active.length === 8 && a.owned.standby.length + c.owned.standby.length === 8);
    // b: an instance restarted with a state dir holding three tasks (a member without any gets standbys 0_0, 0_1, 1_0)
    const local = { '0_2': 40, '0_3': 35, '1_1': 30 };
    const b = new Thread(member(app, subs, { numStandbyReplicas: 1 }), local).start();
    await until('a balanced assignment of three', () => stable([a, b, c]) && [a, b, c].every((t) => t.owned.active.length >= 2) && b.owned.standby.length === 3);
    const desc = await streamsGroupDescribe.async(await clients[0].connection(await clients[0].coordinator(0, app), 'group'), [app], false);
    const reported = desc.groups[0].members.find((m) => m.memberId === b.m.memberId)!;
    expect(reported.taskOffsets.map((o) => [`${o.subtopologyId}_${o.partition}`, Number(o.offset)])).toEqual(Object.entries(local));
    // 4.4's sticky assignor ranks standby candidates by reported offset sum: b's two highest, within its standby quota
    expect(b.owned.standby).toEqual(expect.arrayContaining(['0_2', '0_3']));
    await a.halt();
    await b.halt();
    await c.halt();
  });

  it('a joining member gets tasks only after the first one gave them up (rebalanceRequested, poll, owned)', async () => {
    const { app, subs } = await topology();
    const a = member(app, subs);
    const aOwned = await pollUntil(a, 8);
    const epochBefore = a.commitMetadata().generationId;
    const b = new Thread(member(app, subs)).start();
    await until('the first member asked to rebalance', () => a.rebalanceRequested);
    // the first member keeps its tasks for a while (a long batch): the second gets none of them meanwhile
    for (let i = 0; i < 20; i++) {
      expect(b.owned.active.filter((t) => aOwned.active.includes(t))).toEqual([]);
      await sleep(100);
    }
    const next = await a.poll(aOwned);
    expect(next.active.length).toBeLessThan(8);
    expect(next.active.every((t) => aOwned.active.includes(t))).toBe(true);
    a.owned(next);
    await until('the second member owning the released tasks', () => b.owned.active.length === 8 - next.active.length && !a.rebalanceRequested);
    expect(sorted([...next.active, ...b.owned.active])).toEqual(sorted(allTasks(4)));
    // the rebalance moved the first member to a new epoch. Kafka 4.4 checks an older epoch per task: accepted for a
    // task the member still owns, refused for one it gave up (a late commit of a slow thread cannot land). With the
    // current epoch it checks no task: the member must commit only what it owns (the runtime does).
    const c = clients[clients.length - 2];
    const topicOf = (task: string) => (task.startsWith('0_') ? `${app}-in` : `${app}-agg-repartition`);
    const commit = async (epoch: number, task: string) => offsetCommitV9.api.async(await c.connection(await c.coordinator(0, app), 'group'), app, epoch, a.memberId, null,
      [{ name: topicOf(task), partitions: [{ partitionIndex: Number(task.split('_')[1]), committedOffset: 0n, committedLeaderEpoch: -1 }] }]);
    await until('a new member epoch', () => a.commitMetadata().generationId > epochBefore, 10_000);
    const kept = next.active[0];
    const gone = aOwned.active.find((t) => !next.active.includes(t))!;
    await commit(a.commitMetadata().generationId, kept);
    await commit(epochBefore, kept);
    await expect(commit(epochBefore, gone)).rejects.toSatisfy((e: unknown) => protocolErrorId(e) === 'STALE_MEMBER_EPOCH');
    await b.halt();
  });

  it('a member that stops heartbeating past the session timeout is fenced and rejoins; its old epoch cannot commit', async () => {
    const { app, input, subs } = await topology();
    const c = client();
    const lines: string[] = [];
    const zombie = member(app, subs, { lines, sessionTimeoutMs: 1000 });
    await pollUntil(zombie, 8);
    const { memberId, generationId } = zombie.commitMetadata();
    expect(generationId).toBeGreaterThan(0);
    const conn = async () => c.connection(await c.coordinator(0, app), 'group');
    const commit = async (epoch: number) => offsetCommitV9.api.async(await conn(), app, epoch, memberId, null,
      [{ name: input, partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1 }] }]);
    await commit(generationId);
    await expect(commit(generationId + 1)).rejects.toSatisfy((e: unknown) => protocolErrorId(e) === 'STALE_MEMBER_EPOCH');
    // a stopped process: no heartbeats (the member's timer is cleared and it ignores its own schedule)
    const pause = zombie as unknown as { closed: boolean; timer: NodeJS.Timeout | null };
    pause.closed = true;
    if (pause.timer) clearTimeout(pause.timer);
    await sleep(2500);
    // its session expired: the commit with its last epoch is refused
    await expect(commit(generationId)).rejects.toSatisfy((e: unknown) => ['UNKNOWN_MEMBER_ID', 'STALE_MEMBER_EPOCH'].includes(protocolErrorId(e) ?? ''));
    pause.closed = false;
    zombie.owned({ active: [], standby: [] }); // a changed owned set: heartbeat at once
    await until('the member marked lost', () => zombie.lost, 10_000);
    expect(lines.join('\n')).toMatch(/was fenced \((FENCED_MEMBER_EPOCH|UNKNOWN_MEMBER_ID)/);
    const again = await zombie.poll({ active: [], standby: [] });
    expect(zombie.lost).toBe(false);
    expect(zombie.commitMetadata().generationId).toBeGreaterThan(0);
    zombie.owned(again);
  });

  it('reports a missing source topic as the group status, and joins once it exists', async () => {
    const { app, input, subs } = await topology(4, false);
    const lines: string[] = [];
    const m = member(app, subs, { lines, endpoint: null });
    const got = await m.poll({ active: [], standby: [] });
    expect(got.active).toEqual([]);
    await until('the status logged', () => lines.some((l) => l.includes('MISSING_SOURCE_TOPICS')), 10_000);
    expect(lines.filter((l) => l.includes('MISSING_SOURCE_TOPICS')).length).toBe(1); // once per change
    expect(lines.find((l) => l.includes('MISSING_SOURCE_TOPICS'))).toContain(input);
    // with an applicationServer endpoint, Kafka 4.4 answers UNKNOWN_SERVER_ERROR while a source topic is missing
    const withEndpoint: string[] = [];
    const e = member(app, subs, { lines: withEndpoint });
    const polled = e.poll({ active: [], standby: [] });
    await until('the server error logged', () => withEndpoint.some((l) => l.includes('UNKNOWN_SERVER_ERROR')), 10_000);
    await log.admin.createTopic(input, { partitions: 4 });
    const joined = await polled;
    expect(e.lost).toBe(false);
    expect(e.lost).toBe(false);
    const threads = [new Thread(m), new Thread(e)].map((t) => t.start());
    await until('every task assigned once the topic exists', () => stable(threads) && threads.flatMap((t) => t.owned.active).length === 8);
    expect(sorted(threads.flatMap((t) => t.owned.active))).toEqual(sorted(allTasks(4)));
    expect(joined.partitions.every((p) => p.partition < 4)).toBe(true);
    await until('the status cleared', () => lines.some((l) => l.includes('status: ok')), 15_000);
    for (const t of threads) await t.halt();
  });

  it('places a standby of every stateful task on the other process with streams.num.standby.replicas=1', async () => {
    const { app, subs } = await topology(2);
    const a = new Thread(member(app, subs, { numStandbyReplicas: 1 })).start();
    const b = new Thread(member(app, subs, { numStandbyReplicas: 1 })).start();
    await until('actives and standbys on both', () => stable([a, b]) && a.owned.active.length + b.owned.active.length === 4
      && a.owned.standby.length + b.owned.standby.length === 4 && a.owned.active.length > 0 && b.owned.active.length > 0);
    for (const [x, y] of [[a, b], [b, a]]) {
      expect(x.owned.standby.filter((t) => x.owned.active.includes(t))).toEqual([]);
      expect(sorted(x.owned.standby)).toEqual(sorted(y.owned.active));
    }
    await a.halt();
    await b.halt();
  });
});
