/**
 * Scale-out: stream threads as members of a group that moves tasks between them (a test group over the built-in
 * log, test/runtime/fake-group.ts). Two AppRunners with their own state dirs play two instances of the crash
 * test's count app (4 input partitions, a repartition topic, a changelogged count store): tasks moved mid-stream
 * keep every count exact under both guarantees, a standby promoted to active restores only the delta, and a lost
 * member closes dirty while its replacement restores and goes on, exactly once. A restarted instance reports the
 * tasks on its disk (task offset sums) so the classic assignor gives them back, restored from their checkpoints.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogStore, serdes } from '../../src/index.ts';
import { resolveConfig } from '../../src/runtime/config.ts';
import { AppRunner } from '../../src/runtime/runner/app-runner.ts';
import type { RestoreProgress } from '../../src/runtime/runner/restore.ts';
import { taskInfos } from '../../src/app/tasks.ts';
import { assignTasks, type AssignorMember } from '../../src/kafka/assignor.ts';
import app from '../long/apps/count-app.ts';
import { FakeGroup } from './fake-group.ts';

const dirs: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close().catch(() => undefined);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const words = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ topic: 'crash-input', key: `id${from + i}`, value: words[(from + i) % words.length] }));
const ALL = ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3'];

async function setup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-scale-'));
  dirs.push(dataDir);
  const store = await LogStore.open(dataDir);
  open.push(store);
  await store.admin.createTopic('crash-input', { partitions: 4 });
  return { dataDir, store, group: new FakeGroup() };
}

interface Member { runner: AppRunner; lines: string[]; restores: RestoreProgress[]; stateDir: string }

async function member(store: LogStore, group: FakeGroup, dataDir: string, name: string, guarantee: 'at_least_once' | 'exactly_once', instance = name): Promise<Member> {
  const stateDir = path.join(dataDir, `state-${instance}`);
  const lines: string[] = [];
  const restores: RestoreProgress[] = [];
  const runner = new AppRunner({
    log: group.client(store, name), topology: app.topology(), stateDir, createTopics: false,
    config: resolveConfig(app.applicationId, { ...app.config, processingGuarantee: guarantee, cacheMaxBytes: 0, commitIntervalMs: 50 }),
    onLog: (l) => lines.push(l), onRestore: (p) => restores.push(p), threadSuffix: `-${name === instance ? 1 : name}`,
  });
  await runner.start();
  open.push(runner);
  return { runner, lines, restores, stateDir };
}

/** Every count in crash-counts (committed only), per word. */
async function counts(store: LogStore): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const d = await store.admin.describeTopic('crash-counts').catch(() => null);
  for (const p of d?.partitions ?? []) {
    let off = 0;
    while (true) {
      const { records, next } = await store.read({ topic: 'crash-counts', partition: p.partition }, off, 1000, { isolation: 'read_committed' });
      for (const r of records) {
        const k = serdes.string().deserialize(r.key);
        out.set(k, [...(out.get(k) ?? []), Number(serdes.int64().deserialize(r.value))]);
      }
      if (next === off || records.length === 0) break;
      off = next;
    }
  }
  return out;
}

const total = (c: Map<string, number[]>) => [...c.values()].reduce((n, v) => n + v.length, 0);

async function until(what: string, f: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** n input records in all: every word's counts are exactly 1..its occurrences, once each. */
function expectExact(c: Map<string, number[]>, n: number): void {
  for (let w = 0; w < words.length; w++) {
    const occurrences = Math.floor(n / words.length) + (w < n % words.length ? 1 : 0);
    expect([...(c.get(words[w]) ?? [])].sort((a, b) => a - b), `counts of '${words[w]}'`).toEqual(Array.from({ length: occurrences }, (_, i) => i + 1));
  }
}

const owns = (m: Member, ids: string[]) => () => {
  const active = taskInfos([m.runner.taskStates()]).filter((t) => t.type === 'active' && t.state === 'running').map((t) => t.id);
  return ids.every((id) => active.includes(id)) && active.length === ids.length;
};

describe('scale-out: stream threads in a group that moves tasks', () => {
  for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
    it(`${guarantee}: tasks moved mid-stream, with input produced while they move, keep every count exact`, async () => {
      const { dataDir, store, group } = await setup();
      group.assign({ A: { active: ALL }, B: { active: [] } });
      const a = await member(store, group, dataDir, 'A', guarantee);
      const b = await member(store, group, dataDir, 'B', guarantee);
      const producer = store.producer();
      await producer.sendBatch(batch(0, 400));
      await until('the first outputs', async () => total(await counts(store)) >= 100);
      // half the tasks move to B while input keeps coming
      group.assign({ A: { active: ['0_0', '0_1', '1_0', '1_1'] }, B: { active: ['0_2', '0_3', '1_2', '1_3'] } });
      for (let i = 0; i < 10; i++) {
        await producer.sendBatch(batch(400 + i * 40, 40));
        await new Promise((r) => setTimeout(r, 20));
      }
      await until('B to own its half', owns(b, ['0_2', '0_3', '1_2', '1_3']));
      // and again: most of them to B, one stateful task back to A
      group.assign({ A: { active: ['0_0', '1_2'] }, B: { active: ['0_1', '0_2', '0_3', '1_0', '1_1', '1_3'] } });
      await producer.sendBatch(batch(800, 200));
      await until('A to own 0_0 and 1_2', owns(a, ['0_0', '1_2']));
      await producer.sendBatch(batch(1000, 200));
      await until('every count', async () => total(await counts(store)) >= 1200);
      await new Promise((r) => setTimeout(r, 200));
      expectExact(await counts(store), 1200);
      expect(a.runner.error ?? b.runner.error).toBeNull();
      expect(a.lines.some((l) => l.includes('closed [0_1'))).toBe(true);
      // the moved stateful tasks were restored on their new owners
      expect(b.restores.some((p) => p.done && p.partition === 2 && p.restored > 0)).toBe(true);
      await a.runner.close();
      await b.runner.close();
      expect(group.members.get('A')!.left && group.members.get('B')!.left).toBe(true);
    }, 60_000);
  }

  it('a standby tails the changelogs; promoted to active it restores only the delta', async () => {
    const { dataDir, store, group } = await setup();
    const stateful = ['1_0', '1_1', '1_2', '1_3'];
    group.assign({ A: { active: ALL }, B: { standby: stateful } });
    const a = await member(store, group, dataDir, 'A', 'at_least_once');
    const producer = store.producer();
    await producer.sendBatch(batch(0, 400));
    await until('400 counts', async () => total(await counts(store)) >= 400);
    const changelogEnds = async () => Promise.all([0, 1, 2, 3].map(async (p) => (await store.offsets({ topic: 'crash-count-counts-changelog', partition: p })).end));
    const first = await changelogEnds();
    // B starts now: its standbys restore the changelogs from the start
    const b = await member(store, group, dataDir, 'B', 'at_least_once');
    const standbys = taskInfos([b.runner.taskStates()]);
    expect(standbys.map((t) => `${t.id}:${t.type}:${t.state}`)).toEqual(stateful.map((id) => `${id}:standby:running`));
    const checkpoint = (p: number) => {
      try {
        return (JSON.parse(fs.readFileSync(path.join(b.stateDir, 'crash-count', `1_${p}`, '.checkpoint'), 'utf8')) as { offsets: Record<string, number> }).offsets[`crash-count-counts-changelog-${p}`];
      } catch {
        return -1;
      }
    };
    await until('the standbys to restore the changelogs', () => [0, 1, 2, 3].every((p) => checkpoint(p) === first[p]));
    // more input: the standbys tail it (their checkpoints follow the changelog)
    await producer.sendBatch(batch(400, 200));
    await until('600 counts', async () => total(await counts(store)) >= 600);
    const second = await changelogEnds();
    await until('the standbys to catch up', () => [0, 1, 2, 3].every((p) => checkpoint(p) === second[p]));
    b.restores.length = 0;
    // a last burst, then the stateful tasks move to B at once: its standbys become active
    await producer.sendBatch(batch(600, 40));
    await until('640 counts', async () => total(await counts(store)) >= 640);
    const third = await changelogEnds();
    group.assign({ A: { active: ['0_0', '0_1', '0_2', '0_3'] }, B: { active: stateful, standby: [] } });
    await until('B to own the stateful tasks', owns(b, stateful));
    const promoted = b.restores.filter((p) => p.done);
    expect(promoted.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3]);
    for (const p of promoted) {
      // from where the standby got (never from the start), up to where A's task ended when it was revoked
      expect(p.from).toBeGreaterThanOrEqual(second[p.partition]);
      expect(p.from + p.restored).toBeGreaterThanOrEqual(third[p.partition]);
    }
    expect(promoted.reduce((n, p) => n + p.restored, 0)).toBeLessThanOrEqual(40);
    await producer.sendBatch(batch(640, 160));
    await until('800 counts', async () => total(await counts(store)) >= 800);
    await new Promise((r) => setTimeout(r, 200));
    expectExact(await counts(store), 800);
    expect(a.runner.error ?? b.runner.error).toBeNull();
  }, 60_000);

  it('a new standby restores nothing when created and then in steps between the active tasks\' batches (K2: creating standbys held up a failover), then catches up', async () => {
    const { dataDir, store, group } = await setup();
    group.assign({ A: { active: ALL }, B: { active: [] } });
    const a = await member(store, group, dataDir, 'A', 'at_least_once');
    const producer = store.producer();
    for (let i = 0; i < 100_000; i += 10_000) await producer.sendBatch(batch(i, 10_000));
    const changelogEnds = async () => Promise.all([0, 1, 2, 3].map(async (p) => (await store.offsets({ topic: 'crash-count-counts-changelog', partition: p })).end));
    await until('A to count 100k records', async () => (await changelogEnds()).reduce((x, y) => x + y, 0) >= 100_000, 60_000);
    const ends = await changelogEnds();
    expect(Math.max(...ends)).toBeGreaterThan(20_000); // more than one standby step on some partition
    // B joins with active tasks and standbys of A's stateful tasks: its first poll creates the standbys, restoring nothing yet
    group.assign({ A: { active: ['1_0', '1_1', '1_2', '1_3'] }, B: { active: ['0_0', '0_1', '0_2', '0_3'], standby: ['1_0', '1_1', '1_2', '1_3'] } });
    const b = await member(store, group, dataDir, 'B', 'at_least_once');
    const first = b.restores.filter((p) => p.done);
    expect(first.length).toBeGreaterThan(0);
    for (const p of first) expect(p.restored).toBe(0);
    // B processes its active tasks at once, while its standbys are still behind
    await until('B to own its active tasks', owns(b, ['0_0', '0_1', '0_2', '0_3']));
    await producer.sendBatch(batch(100_000, 400));
    await until('B to process new input', () => taskInfos([b.runner.taskStates()]).filter((t) => t.type === 'active').reduce((n, t) => n + t.processed, 0) >= 1);
    const checkpoint = (p: number) => {
      try {
        return (JSON.parse(fs.readFileSync(path.join(b.stateDir, 'crash-count', `1_${p}`, '.checkpoint'), 'utf8')) as { offsets: Record<string, number> }).offsets[`crash-count-counts-changelog-${p}`];
      } catch {
        return -1;
      }
    };
    const now = await changelogEnds();
    await until('the standbys to catch up', () => [0, 1, 2, 3].every((p) => checkpoint(p) >= ends[p]), 60_000);
    // promoted, they restore only what is left: the exact counts prove the stores are whole
    group.assign({ A: { active: [] }, B: { active: ALL, standby: [] } });
    await until('B to own every task', owns(b, ALL));
    await producer.sendBatch(batch(100_400, 80));
    await until('every count', async () => total(await counts(store)) >= 100_480, 60_000);
    expect(now.every((e, p) => e >= ends[p])).toBe(true);
    expectExact(await counts(store), 100_480);
    expect(a.runner.error ?? b.runner.error).toBeNull();
  }, 120_000);

  for (const zombie of [false, true]) {
    it(`exactly_once: a ${zombie ? 'zombie (fenced without being told: its commit is refused)' : 'lost member'} closes its tasks dirty; its replacement restores and goes on`, async () => {
      const { dataDir, store, group } = await setup();
      group.assign({ A: { active: ALL }, B: { active: [] } });
      const a = await member(store, group, dataDir, 'A', 'exactly_once');
      const b = await member(store, group, dataDir, 'B', 'exactly_once');
      const producer = store.producer();
      await producer.sendBatch(batch(0, 300));
      await until('300 counts', async () => total(await counts(store)) >= 300);
      const sending = (async () => {
        for (let i = 0; i < 10; i++) {
          await producer.sendBatch(batch(300 + i * 20, 20));
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      group.lose('A', zombie);
      group.assign({ A: { active: [] }, B: { active: ALL } });
      await sending;
      await until('B to own every task', owns(b, ALL));
      await until('500 counts', async () => total(await counts(store)) >= 500);
      await new Promise((r) => setTimeout(r, 300));
      expectExact(await counts(store), 500);
      const lost = a.lines.find((l) => l.startsWith('tasks lost') && l.includes('closing them dirty'));
      expect(lost).toContain(zombie ? 'a transaction commit of member A refused' : 'the group fenced this member');
      expect(taskInfos([a.runner.taskStates()])).toEqual([]);
      expect(b.restores.filter((p) => p.done).reduce((n, p) => n + p.restored, 0)).toBeGreaterThan(0);
      expect(a.runner.error ?? b.runner.error).toBeNull();
    }, 60_000);
  }

  for (const guarantee of ['at_least_once', 'exactly_once'] as const) {
    it(`${guarantee}: a restarted instance reports its local state (task offset sums); the classic assignor gives it its tasks back, restored from its checkpoints`, async () => {
      const { dataDir, store, group } = await setup();
      group.assign({ A: { active: ['0_0', '0_1', '1_0', '1_1'] }, B: { active: ['0_2', '0_3', '1_2', '1_3'], standby: ['1_0', '1_1'] } });
      const a = await member(store, group, dataDir, 'A', guarantee);
      const b = await member(store, group, dataDir, 'B', guarantee);
      const producer = store.producer();
      await producer.sendBatch(batch(0, 400));
      await until('400 counts', async () => total(await counts(store)) >= 400);
      const changelogEnd = async (p: number) => (await store.offsets({ topic: 'crash-count-counts-changelog', partition: p })).end;
      // B's standbys report what they applied when B rejoins (here: the group drops one of them)
      const checkpoint = (m: Member, p: number) => {
        try {
          return (JSON.parse(fs.readFileSync(path.join(m.stateDir, 'crash-count', `1_${p}`, '.checkpoint'), 'utf8')) as { offsets: Record<string, number> }).offsets[`crash-count-counts-changelog-${p}`] ?? 0;
        } catch {
          return 0;
        }
      };
      const applied = (p: number) => checkpoint(b, p);
      await until('B\'s standbys to apply some of the changelogs', () => applied(0) > 0 && applied(1) > 0);
      const seen = [applied(0), applied(1)];
      group.assign({ B: { active: ['0_2', '0_3', '1_2', '1_3'], standby: ['1_0'] } });
      await until('B to rejoin', () => group.members.get('B')!.polled.length === 2);
      const bSums = group.members.get('B')!.polled[1].localOffsetSums!;
      expect(Object.keys(bSums).sort()).toEqual(['1_0', '1_1']);
      for (const p of [0, 1]) expect(bSums[`1_${p}`]).toBeGreaterThanOrEqual(seen[p]);
      for (const p of [0, 1]) expect(bSums[`1_${p}`]).toBeLessThanOrEqual(await changelogEnd(p));
      // A stops cleanly and starts again with the same state dir: it owns nothing, but reports the tasks on its disk
      const processId = group.members.get('A')!.info.processId;
      await a.runner.close();
      open.splice(open.indexOf(a.runner), 1);
      // its checkpoints: at the changelogs' ends (under exactly_once before the last commit marker)
      const ends = [await changelogEnd(0), await changelogEnd(1)];
      const saved = [checkpoint(a, 0), checkpoint(a, 1)];
      for (const p of [0, 1]) expect(saved[p]).toBeGreaterThanOrEqual(ends[p] - (guarantee === 'exactly_once' ? 1 : 0));
      group.assign({ A: { active: [] } });
      const again = await member(store, group, dataDir, 'A', guarantee);
      const rejoined = group.members.get('A')!;
      expect(rejoined.info.processId).toBe(processId);
      // stateless tasks (0_x) have no changelog offsets: only the counting tasks, with their checkpoints' sums
      expect(rejoined.polled[0]).toEqual({ active: [], standby: [], localOffsetSums: { '1_0': saved[0], '1_1': saved[1] } });
      // what the classic group leader decides with it: A gets its tasks back, B keeps its own
      const members: AssignorMember[] = [
        { memberId: 'A', processId, threadIndex: 1, endpoint: null, ownedActive: [], ownedStandby: [], localOffsetSums: rejoined.polled[0].localOffsetSums },
        { memberId: 'B', processId: group.members.get('B')!.info.processId, threadIndex: 1, endpoint: null, ownedActive: ['0_2', '0_3', '1_2', '1_3'], ownedStandby: ['1_0'], localOffsetSums: bSums },
      ];
      const decided = assignTasks({ tasks: ALL, members, numStandbyReplicas: 0 }).byMember;
      expect(decided.get('A')!.active).toEqual(['0_0', '0_1', '1_0', '1_1']);
      again.restores.length = 0;
      group.assign({ A: { active: decided.get('A')!.active }, B: { active: decided.get('B')!.active } });
      await until('A to own its tasks again', owns(again, ['0_0', '0_1', '1_0', '1_1']));
      // restored from its checkpoints: nothing replayed
      const restored = again.restores.filter((p) => p.done);
      expect(restored.map((p) => [p.partition, p.from, p.restored]).sort()).toEqual([[0, saved[0], 0], [1, saved[1], 0]]);
      await producer.sendBatch(batch(400, 200));
      await until('600 counts', async () => total(await counts(store)) >= 600);
      await new Promise((r) => setTimeout(r, 200));
      expectExact(await counts(store), 600);
      expect(again.runner.error ?? b.runner.error).toBeNull();
    }, 60_000);
  }

  it('exactly_once: a task moved between two threads of one instance (one state dir) restores only from its checkpoint', async () => {
    const { dataDir, store, group } = await setup();
    group.assign({ 1: { active: ALL }, 2: { active: [] } });
    const t1 = await member(store, group, dataDir, '1', 'exactly_once', 'I');
    const t2 = await member(store, group, dataDir, '2', 'exactly_once', 'I');
    const producer = store.producer();
    await producer.sendBatch(batch(0, 200));
    await until('200 counts', async () => total(await counts(store)) >= 200);
    t2.restores.length = 0;
    group.assign({ 1: { active: ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1'] }, 2: { active: ['1_2', '1_3'] } });
    await until('thread 2 to own 1_2 and 1_3', owns(t2, ['1_2', '1_3']));
    // thread 1 closed them clean (checkpoint at the changelog's end): thread 2 replays nothing
    const moved = t2.restores.filter((p) => p.done);
    expect(moved.map((p) => [p.partition, p.restored]).sort()).toEqual([[2, 0], [3, 0]]);
    expect(moved.every((p) => p.from > 0)).toBe(true);
    await producer.sendBatch(batch(200, 200));
    await until('400 counts', async () => total(await counts(store)) >= 400);
    await new Promise((r) => setTimeout(r, 200));
    expectExact(await counts(store), 400);
    expect(t1.runner.error ?? t2.runner.error).toBeNull();
  }, 60_000);
});
