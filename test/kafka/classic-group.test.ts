/**
 * The classic group protocol on a real broker: stream threads' memberships (KafkaBackend.streamsMembership with
 * protocol 'classic', one KafkaBackend per member, different processIds) share an application's tasks, rebalance
 * when members join, leave or stop heartbeating, and a lost member's commits are refused as FENCED. An app instance
 * restarted with the same state dir gets its tasks back (its local state, reported as task offset sums) and
 * restores only the delta. Plain consumers of one group split a topic's partitions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defineApp, serdes, type RunningApp } from '../../src/index.ts';
import { startApp } from '../../src/app/start.ts';
import type { RestoreProgress } from '../../src/runtime/runner/restore.ts';
import { KafkaBackend, openKafkaLog } from '../../src/kafka/index.ts';
import type { ClassicStreamsMember } from '../../src/kafka/classic-member.ts';
import type { OwnedTasks, StreamsMemberInfo, StreamsMembership, SubtopologyInfo, TaskAssignment } from '../../src/log-client/membership.ts';
import type { LogClient } from '../../src/log-store/index.ts';

const bootstrap = inject('kafkaBootstrap');
const run = `cg${Date.now().toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const subtopologies: SubtopologyInfo[] = [
  { id: '0', partitions: 4, sourceTopics: [`${run}-left`, `${run}-right`], repartitionSourceTopics: [], repartitionSinkTopics: [`${run}-rep`], stateChangelogTopics: [], copartitionGroups: [[`${run}-left`, `${run}-right`]] },
  { id: '1', partitions: 2, sourceTopics: [], repartitionSourceTopics: [{ name: `${run}-rep`, partitions: 2 }], repartitionSinkTopics: [], stateChangelogTopics: [], copartitionGroups: [] },
];
const ALL = ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1'];

const info = (processId: string): StreamsMemberInfo => ({
  processId, threadIndex: 1, endpoint: `${processId}:7070`, subtopologies, numStandbyReplicas: 1,
  sessionTimeoutMs: 3000, rebalanceTimeoutMs: 20_000, protocol: 'classic',
});

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !cond();) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

class Member {
  readonly backend = new KafkaBackend({ bootstrapServers: bootstrap });
  readonly m: StreamsMembership;
  last: TaskAssignment | null = null;
  constructor(readonly processId: string, group: string) {
    this.m = this.backend.streamsMembership(group, info(processId));
  }
  get owned(): OwnedTasks {
    return this.last ? { active: this.last.active, standby: this.last.standby } : { active: [], standby: [] };
  }
  async poll(): Promise<TaskAssignment> {
    const a = await this.m.poll(this.lost() ? { active: [], standby: [] } : this.owned);
    this.m.owned({ active: a.active, standby: a.standby });
    this.last = a;
    return a;
  }
  private lost(): boolean { return this.m.lost; }
}

/** Every task active exactly once, counts within one, standbys never where the active copy is. */
function checkGroup(members: Member[]): void {
  const actives = members.flatMap((x) => x.last!.active).sort();
  expect(actives).toEqual(ALL);
  const counts = members.map((x) => x.last!.active.length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  for (const x of members) {
    for (const t of x.last!.standby) expect(x.last!.active).not.toContain(t);
    // the consumer reads the active tasks' source partitions: partition n of both co-partitioned topics together
    const expected = x.last!.active.flatMap((t) => {
      const [s, p] = t.split('_');
      return s === '0' ? [`${run}-left:${p}`, `${run}-right:${p}`] : [`${run}-rep:${p}`];
    }).sort();
    expect(x.last!.partitions.map((tp) => `${tp.topic}:${tp.partition}`).sort()).toEqual(expected);
  }
  if (members.length > 1) {
    // one standby per task, on the other process(es)
    expect(members.flatMap((x) => x.last!.standby).sort()).toEqual(ALL);
    const hosts = members[0].last!.hosts;
    expect(hosts.map((h) => h.endpoint)).toEqual(members.map((x) => `${x.processId}:7070`).sort());
    for (const x of members) expect(hosts.find((h) => h.endpoint === `${x.processId}:7070`)!.active).toEqual(x.last!.active);
  }
}

describe('classic group protocol: stream thread memberships', () => {
  let admin: LogClient;
  const members: Member[] = [];
  beforeAll(async () => {
    admin = await openKafkaLog({ bootstrapServers: bootstrap });
    for (const t of ['left', 'right']) await admin.admin.createTopic(`${run}-${t}`, { partitions: 4 });
    await admin.admin.createTopic(`${run}-rep`, { partitions: 2 });
  });
  afterAll(async () => {
    for (const x of members) await x.backend.close();
    await admin?.close();
  });

  it('spreads tasks, rebalances stickily on join and leave, fences a member that stopped heartbeating', async () => {
    const group = `${run}-app`;
    const a = new Member('p1', group);
    const b = new Member('p2', group);
    members.push(a, b);
    expect(() => a.backend.streamsMembership(group, info('p1'))).toThrow(/already has a member in group/);
    await expect(a.backend.joinGroup(group, 'consumer-1', { topics: [`${run}-left`] })).rejects.toThrow(/has a stream thread's membership in this Kafka client: a consumer of that thread reads/);

    // a alone: every task, no standby (one process)
    await a.poll();
    expect(a.last!.active).toEqual(ALL);
    expect(a.last!.standby).toEqual([]);

    // b joins: a is asked to rebalance, both poll: disjoint, complete, balanced, a keeps what it keeps
    const bJoin = b.poll();
    await until('a is asked to rebalance', () => a.m.rebalanceRequested);
    expect(a.m.lost).toBe(false);
    await Promise.all([a.poll(), bJoin]);
    checkGroup([a, b]);
    expect(a.last!.active).toHaveLength(3);
    expect(a.m.rebalanceRequested).toBe(false);

    // a commit carries the member's id and generation
    await a.backend.commitOffsets(group, [{ topic: `${run}-left`, partition: 0, offset: 5 }]);
    expect(await a.backend.committed(group, [{ topic: `${run}-left`, partition: 0 }])).toEqual([5]);

    // a third member (third process) joins: the others rebalance; balanced 2/2/2 and sticky
    const c = new Member('p3', group);
    members.push(c);
    const before = { a: a.last!.active, b: b.last!.active };
    const cJoin = c.poll();
    await until('a and b are asked to rebalance', () => a.m.rebalanceRequested && b.m.rebalanceRequested);
    await Promise.all([a.poll(), b.poll(), cJoin]);
    checkGroup([a, b, c]);
    for (const x of [a, b, c]) expect(x.last!.active).toHaveLength(2);
    for (const t of a.last!.active) expect(before.a).toContain(t);
    for (const t of b.last!.active) expect(before.b).toContain(t);
    // c's standbys: 2 of the 6 tasks, each on a process other than its active one
    expect(members.flatMap((x) => x.last!.standby)).toHaveLength(6);

    // c leaves: a and b rebalance at once and take its tasks, keeping their own
    const three = { a: a.last!.active, b: b.last!.active, c: c.last!.active };
    // where c's tasks have their standby (a or b: one per task, on another process)
    const warm = three.c.map((t) => [a, b].find((x) => x.last!.standby.includes(t)));
    await c.m.leave();
    await until('a and b are asked to rebalance after c left', () => a.m.rebalanceRequested && b.m.rebalanceRequested);
    await Promise.all([a.poll(), b.poll()]);
    checkGroup([a, b]);
    for (const t of three.a) expect(a.last!.active).toContain(t);
    for (const t of three.b) expect(b.last!.active).toContain(t);
    // c's tasks go where their standby was, as far as balance allows (a and b have room for one each)
    expect(warm.every((x) => x !== undefined)).toBe(true);
    expect(three.c.filter((t, i) => warm[i]!.last!.active.includes(t)).length).toBeGreaterThanOrEqual(1);

    // a stops heartbeating past its session timeout (3 s): the group drops it, b takes every task
    const am = a.m as ClassicStreamsMember;
    am.pauseHeartbeats(true);
    await until('b is asked to rebalance after a stalled', () => b.m.rebalanceRequested, 15_000);
    await b.poll();
    expect(b.last!.active).toEqual(ALL);
    // a's commit (and its transactional offsets) are refused: FENCED, and a is lost
    await expect(a.backend.commitOffsets(group, [{ topic: `${run}-left`, partition: 1, offset: 9 }])).rejects.toMatchObject({ code: 'FENCED' });
    expect(a.m.lost).toBe(true);
    const pid = await a.backend.initTransactions(`${run}-txn-a`);
    await expect(a.backend.endTransaction({ transactionalId: `${run}-txn-a`, producerId: pid.producerId, epoch: pid.epoch }, true,
      [{ groupId: group, offsets: [{ topic: `${run}-left`, partition: 1, offset: 9 }] }])).rejects.toMatchObject({ code: 'FENCED' });
    const committed = await b.backend.committed(group, [{ topic: `${run}-left`, partition: 0 }, { topic: `${run}-left`, partition: 1 }]);
    expect(committed).toEqual([5, null]);

    // a comes back: it rejoins with a new generation (owning nothing), b rebalances, and its commits go through
    am.pauseHeartbeats(false);
    const aJoin = a.poll();
    await until('b is asked to rebalance when a rejoins', () => b.m.rebalanceRequested);
    await Promise.all([aJoin, b.poll()]);
    checkGroup([a, b]);
    expect(a.m.lost).toBe(false);
    await b.backend.commitOffsets(group, [{ topic: `${run}-left`, partition: 1, offset: 7 }]);
    expect(await b.backend.committed(group, [{ topic: `${run}-left`, partition: 1 }])).toEqual([7]);
    await a.m.leave();
    await b.m.leave();
  });
});

describe('classic group protocol: a restarted instance', () => {
  it('gets back the tasks whose state its state dir has, and restores only what it missed', async () => {
    const appId = `${run}-sticky`;
    const input = `${appId}-in`;
    const app = defineApp({
      applicationId: appId,
      build(b) {
        b.stream(input, { key: serdes.string(), value: serdes.string() }).groupByKey().count({ storeName: 'counts' })
          .toStream().to(`${appId}-out`, { key: serdes.string(), value: serdes.int64() });
      },
    });
    const log = await openKafkaLog({ bootstrapServers: bootstrap });
    const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-sticky-a-')), fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-sticky-b-'))];
    const running: RunningApp[] = [];
    try {
      await log.admin.createTopic(input, { partitions: 4 });
      await log.admin.createTopic(`${appId}-out`, { partitions: 4 });
      const lines: string[] = [];
      const start = async (dir: string, restores: RestoreProgress[] = []) => {
        const r = await startApp(app, {
          bootstrapServers: bootstrap, stateDir: dir, groupProtocol: 'classic', sessionTimeoutMs: 3000, commitIntervalMs: 200, cacheMaxBytes: 0,
          onLog: (l: string) => lines.push(l), onRestore: (p: RestoreProgress) => restores.push(p),
        });
        running.push(r);
        return r;
      };
      const active = (r: RunningApp) => r.tasks().filter((t) => t.type === 'active' && t.state === 'running').map((t) => t.id).sort();
      const producer = log.producer();
      const send = (from: number, n: number) => producer.sendBatch(Array.from({ length: n }, (_, i) => ({ topic: input, key: `k${(from + i) % 40}`, value: 'x' })));
      const caughtUp = async () => {
        const lag = await log.admin.groupLag(appId);
        return lag.filter((l) => l.topic === input).length === 4 && lag.every((l) => l.lag === 0);
      };
      const waitFor = async (what: string, f: () => boolean | Promise<boolean>) => {
        for (const end = Date.now() + 15_000; !(await f());) {
          if (Date.now() > end) throw new Error(`timed out waiting until ${what}\n${lines.join('\n')}`);
          await sleep(100);
        }
      };

      // a alone takes every task; b joins: a keeps half (0_0, 0_1), b takes the rest
      let a = await start(dirs[0]);
      await waitFor('a runs every task', () => active(a).length === 4);
      const b = await start(dirs[1]);
      await waitFor('a and b run two tasks each', () => active(a).length === 2 && active(b).length === 2);
      const mine = active(a);
      await send(0, 400);
      await waitFor('the app has processed the first input', caughtUp);

      // a stops cleanly (checkpoints written, group left): b takes its tasks and goes on with more input
      await a.close();
      running.splice(running.indexOf(a), 1);
      await waitFor('b runs every task', () => active(b).length === 4);
      await send(400, 40);
      await waitFor('b has processed the input sent while a was down', caughtUp);

      // a starts again with the same state dir: nothing owned, but its state dir has the tasks it had, so the leader
      // gives it those back (b, over its share, lets go of them first) instead of the first ones in task order
      const restores: RestoreProgress[] = [];
      a = await start(dirs[0], restores);
      await waitFor('a and b run two tasks each again', () => active(a).length === 2 && active(b).length === 2);
      expect(active(a)).toEqual(mine);
      // restored from its checkpoints: only what b wrote to the changelogs while a was down
      const done = restores.filter((p) => p.done);
      expect(done.map((p) => p.partition).sort()).toEqual(mine.map((t) => Number(t.split('_')[1])));
      for (const p of done) {
        expect(p.from).toBeGreaterThan(0);
        expect(p.restored).toBeGreaterThan(0);
        expect(p.restored).toBeLessThan(p.from);
      }
      expect(lines.some((l) => /assigned 4 task\(s\) to 2 member\(s\) in 2 process\(es\)/.test(l))).toBe(true);
    } finally {
      for (const r of running) await r.close().catch(() => undefined);
      await log.close();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('classic group protocol: a topology the leader cannot assign', () => {
  it('fails every member\'s poll with the reason (a missing source topic)', async () => {
    const b = new KafkaBackend({ bootstrapServers: bootstrap });
    try {
      const m = b.streamsMembership(`${run}-broken`, { ...info('p1'), subtopologies: [{ ...subtopologies[1], repartitionSourceTopics: [{ name: `${run}-nope`, partitions: 2 }] }] });
      await expect(m.poll({ active: [], standby: [] })).rejects.toThrow(new RegExp(`cannot assign the application's tasks: source topic '${run}-nope' of sub-topology 1 does not exist`));
      await m.leave();
    } finally {
      await b.close();
    }
  });
});

describe('classic group protocol: plain consumers', () => {
  it('two consumers of one group split a topic\'s partitions (range), and the survivor takes all when one closes', async () => {
    const topic = `${run}-plain`;
    const logs = [await openKafkaLog({ bootstrapServers: bootstrap, sessionTimeoutMs: 3000 }), await openKafkaLog({ bootstrapServers: bootstrap, sessionTimeoutMs: 3000 })];
    try {
      await logs[0].admin.createTopic(topic, { partitions: 4 });
      const [c1, c2] = logs.map((l) => l.consumer({ groupId: `${run}-plain-g`, autoOffsetReset: 'earliest' }));
      c1.subscribe(topic);
      await c1.poll({ timeoutMs: 100 });
      expect(c1.assignment().map((tp) => tp.partition).sort()).toEqual([0, 1, 2, 3]);
      c2.subscribe(topic);
      const split = () => c1.assignment().length === 2 && c2.assignment().length === 2;
      for (const end = Date.now() + 20_000; !split() && Date.now() < end;) await Promise.all([c1.poll({ timeoutMs: 100 }), c2.poll({ timeoutMs: 100 })]);
      expect(c1.assignment().map((tp) => tp.partition).sort()).toHaveLength(2);
      expect([...c1.assignment(), ...c2.assignment()].map((tp) => tp.partition).sort()).toEqual([0, 1, 2, 3]);
      await c2.close();
      for (const end = Date.now() + 20_000; c1.assignment().length < 4 && Date.now() < end;) await c1.poll({ timeoutMs: 100 });
      expect(c1.assignment().map((tp) => tp.partition).sort()).toEqual([0, 1, 2, 3]);
      await c1.close();
    } finally {
      for (const l of logs) await l.close();
    }
  });
});
