/**
 * Query routing (issue #13) without a broker: two instances of the HTTP test app, each on its own built-in log
 * holding only the keys of "its" partitions, and a fake group view (the hosts map a Kafka group would hand out)
 * registered on each: a key owned by the other instance is forwarded there and its answer passed back unchanged,
 * a range answers every instance's rows (?local=true: this one's), an unknown owner is a 503, two instances that
 * disagree about an owner answer 503 instead of forwarding in a loop, an unreachable owner is a 502, and the
 * bearer token goes with forwarded requests. keyQueryMetadata (RunningApp.queryMetadataForKey) on its own too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogStore, partitionForKey, serdes, type RunningApp } from '../../src/index.ts';
import { introspect, registerIntrospection, type RoutingView } from '../../src/app/introspect.ts';
import { keyQueryMetadata, routingView } from '../../src/app/key-owner.ts';
import { queryUrl, runQuery } from '../../src/http/query-cli.ts';
import app, { type Click } from './app.ts';

const TOKEN = 'routing-secret';
const P = 4;
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const enc = new TextEncoder();
const part = (user: string) => partitionForKey(enc.encode(user), P);
// instance A owns partitions 0 and 1 of every sub-topology, B owns 2 and 3
const ownerOf = (user: string) => (part(user) < 2 ? 'a' : 'b');
const clicksOf = (user: string) => USERS.indexOf(user) + 1;

interface Instance { dir: string; running: RunningApp; endpoint: string }
const inst: Record<'a' | 'b', Instance> = {} as Record<'a' | 'b', Instance>;
const views: Record<'a' | 'b', RoutingView | null> = { a: null, b: null };

async function startInstance(name: 'a' | 'b'): Promise<Instance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `trib-route-${name}-`));
  const log = await LogStore.open(dir);
  await log.admin.createTopic('clicks', { partitions: P });
  const records = USERS.filter((u) => ownerOf(u) === name).flatMap((u) => Array.from({ length: clicksOf(u) }, (_, i) => (
    { topic: 'clicks', key: enc.encode(u), value: enc.encode(JSON.stringify({ user: u, page: 1 } satisfies Click)), timestamp: T0 + i * 1000 })));
  await log.producer().sendBatch(records);
  await log.close();
  const running = await app.start({ dataDir: dir, http: { port: 0 }, httpAuthToken: TOKEN });
  // the group's view, as the runner would hold it on Kafka: swapped in through the introspection the router reads
  registerIntrospection(running, { ...introspect(running), routing: () => views[name] });
  return { dir, running, endpoint: new URL(running.httpUrl!).host };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const get = (who: 'a' | 'b', p: string) => fetch(inst[who].running.httpUrl + p, { headers: auth });
const ndjson = async (r: Response) => (await r.text()).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string; value: number });

function view(self: 'a' | 'b', owners: Record<string, Array<'0' | '1' | '2' | '3'>> = { a: ['0', '1'], b: ['2', '3'] }): RoutingView {
  const subs = introspect(inst.a.running).topology.subtopologies.filter((s) => !s.global).map((s) => s.id);
  const hosts = (['a', 'b'] as const).map((h) => ({
    endpoint: inst[h].endpoint, active: subs.flatMap((s) => (owners[h] ?? []).map((p) => `${s}_${p}`)), standby: [] as string[],
  }));
  return { self: inst[self].endpoint, hosts, partitions: new Map(subs.map((s) => [s, P])) };
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check());) {
    if (Date.now() > end) throw new Error('timed out waiting for the instances to count their clicks');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  expect(new Set(USERS.map(ownerOf)).size).toBe(2); // both instances own some keys
  inst.a = await startInstance('a');
  inst.b = await startInstance('b');
  const counted = async (who: 'a' | 'b') => (await ndjson(await get(who, '/stores/clicks-per-user?local=true'))).length === USERS.filter((u) => ownerOf(u) === who).length;
  await until(async () => (await counted('a')) && (await counted('b')));
  views.a = view('a');
  views.b = view('b');
});

afterAll(async () => {
  for (const i of Object.values(inst)) {
    await i?.running.close();
    if (i) fs.rmSync(i.dir, { recursive: true, force: true });
  }
});

describe('query routing over instances (fake group view)', () => {
  it('answers every key from either instance: its own locally, the other\'s forwarded', async () => {
    for (const who of ['a', 'b'] as const) {
      for (const u of USERS) {
        const r = await get(who, `/stores/clicks-per-user/keys/${u}`);
        expect(r.status, `${u} asked of ${who}`).toBe(200);
        expect(await r.json()).toMatchObject({ key: u, value: clicksOf(u) });
      }
    }
    // ?local=true: only this instance's stores
    const other = USERS.find((u) => ownerOf(u) === 'b')!;
    const local = await get('a', `/stores/clicks-per-user/keys/${other}?local=true`);
    expect(local.status).toBe(404);
  });

  it('forwards a key\'s windows and sessions, and passes the owner\'s 404 back', async () => {
    const u = USERS.find((x) => ownerOf(x) === 'b')!;
    const w = await get('a', `/stores/clicks-per-minute/keys/${u}/windows`);
    expect(w.status).toBe(200);
    expect((await ndjson(w)).reduce((n, r) => n + r.value, 0)).toBe(clicksOf(u));
    const s = await get('a', `/stores/click-sessions/keys/${u}/sessions`);
    expect(s.status).toBe(200);
    expect((await ndjson(s)).map((r) => r.value)).toEqual([clicksOf(u)]);
    const missing = ['zed', 'quinn', 'olga', 'mallory'].find((x) => ownerOf(x) === 'b')!;
    const m = await get('a', `/stores/clicks-per-user/keys/${missing}`);
    expect(m.status).toBe(404);
    expect(await m.json()).toEqual({ error: `key ${missing} not found in store 'clicks-per-user'.` });
  });

  it('a range answers the rows of every instance; ?local=true only this one\'s', async () => {
    for (const who of ['a', 'b'] as const) {
      const all = await ndjson(await get(who, '/stores/clicks-per-user'));
      expect(all.map((r) => `${r.key}=${r.value}`).sort()).toEqual(USERS.map((u) => `${u}=${clicksOf(u)}`).sort());
      const mine = await ndjson(await get(who, '/stores/clicks-per-user?local=true'));
      expect(mine.map((r) => r.key).sort()).toEqual(USERS.filter((u) => ownerOf(u) === who).sort());
    }
    const bounded = await ndjson(await get('a', '/stores/clicks-per-user?from=b&to=e'));
    expect(bounded.map((r) => r.key).sort()).toEqual(USERS.filter((u) => u >= 'b' && u <= 'e').sort());
  });

  it('/stores lists the instances and their tasks; streams-run query asks any instance', async () => {
    const r = (await (await get('a', '/stores')).json()) as { instances: Array<{ endpoint: string; self: boolean; active: string[] }> };
    expect(r.instances.map((i) => [i.endpoint, i.self])).toEqual([[inst.a.endpoint, true], [inst.b.endpoint, false]]);
    expect(r.instances[1].active).toContain('0_2');
    const u = USERS.find((x) => ownerOf(x) === 'b')!;
    let out = '';
    const sink = new (await import('node:stream')).Writable({ write(c: Buffer, _e, cb) { out += c.toString(); cb(); } });
    await runQuery(queryUrl(inst.a.running.httpUrl!, 'clicks-per-user', u, {}), TOKEN, sink);
    expect(JSON.parse(out)).toMatchObject({ key: u, value: clicksOf(u) });
    out = '';
    await runQuery(queryUrl(inst.a.running.httpUrl!, 'clicks-per-user', undefined, { local: true }), TOKEN, sink);
    expect(out.trim().split('\n')).toHaveLength(USERS.filter((x) => ownerOf(x) === 'a').length);
  });

  it('an owner unknown (rebalancing) is a 503; two instances that disagree answer 503, never loop', async () => {
    const u3 = USERS.find((x) => part(x) === 3)!;
    const u2 = USERS.find((x) => part(x) === 2)!;
    try {
      views.a = view('a', { a: ['0', '1'], b: ['2'] }); // nobody has partition 3
      const r = await get('a', `/stores/clicks-per-user/keys/${u3}`);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { error: string }).error).toMatch(new RegExp(`owns key ${u3} of store 'clicks-per-user' \\(partition 3\\) is not known right now: the group is rebalancing`));
      // a range would miss partition 3's rows: 503 too, pointing to ?local=true, which still answers
      const range = await get('a', '/stores/clicks-per-user');
      expect(range.status).toBe(503);
      expect(((await range.json()) as { error: string }).error).toMatch(/no instance has tasks? .*0_3.* of store 'clicks-per-user' right now .*\?local=true answers this instance's rows only/);
      expect((await get('a', '/stores/clicks-per-user?local=true')).status).toBe(200);
      // a thinks b owns partition 2, b thinks a does: b answers a's forwarded request with 503 and a passes it back
      views.b = view('b', { a: ['0', '1', '2'], b: ['3'] });
      const loop = await get('a', `/stores/clicks-per-user/keys/${u2}`);
      expect(loop.status).toBe(503);
      expect(((await loop.json()) as { error: string }).error).toMatch(/was asked for key .* by another instance, but its view of the group says .* owns it: the group is rebalancing/);
    } finally {
      views.a = view('a');
      views.b = view('b');
    }
  });

  it('an unreachable owner is a 502 naming it; a range then points to ?local=true', async () => {
    const gone = { endpoint: '127.0.0.1:1', active: ['0_2', '0_3', '1_2', '1_3'], standby: [] };
    try {
      views.a = { ...view('a'), hosts: [view('a').hosts[0], gone] };
      const u = USERS.find((x) => ownerOf(x) === 'b')!;
      const r = await get('a', `/stores/clicks-per-user/keys/${u}`);
      expect(r.status).toBe(502);
      expect(((await r.json()) as { error: string }).error).toMatch(/instance 127\.0\.0\.1:1 \(applicationServer of the owner\) cannot be reached: connection refused/);
      const range = await get('a', '/stores/clicks-per-user');
      expect(range.status).toBe(502);
      expect(((await range.json()) as { error: string }).error).toMatch(/the range over every instance of store 'clicks-per-user' is incomplete: .*\?local=true answers this instance's rows only/);
    } finally {
      views.a = view('a');
    }
  });

  it('forwards with the bearer token: without one the first instance refuses, with it the owner accepts', async () => {
    const u = USERS.find((x) => ownerOf(x) === 'b')!;
    expect((await fetch(`${inst.a.running.httpUrl}/stores/clicks-per-user/keys/${u}`)).status).toBe(401);
    // the owner itself refuses a forwarded-looking request without the token
    expect((await fetch(`${inst.b.running.httpUrl}/stores/clicks-per-user/keys/${u}`, { headers: { 'x-tributary-forwarded': inst.a.endpoint } })).status).toBe(401);
    expect((await get('a', `/stores/clicks-per-user/keys/${u}`)).status).toBe(200);
  });
});

describe('keyQueryMetadata (RunningApp.queryMetadataForKey)', () => {
  it('finds the active and standby hosts of a key\'s task from the partition murmur2 gives it', () => {
    const topology = app.topology();
    const i = introspect(inst.a.running);
    const v: RoutingView = { self: 'a:1', partitions: new Map([[0, 4], [1, 4]]), hosts: [
      { endpoint: 'a:1', active: ['0_0', '0_1', '1_0', '1_1'], standby: ['0_2'] },
      { endpoint: 'b:1', active: ['0_2', '0_3', '1_2', '1_3'], standby: ['0_0', '0_1'] },
    ] };
    for (const u of USERS) {
      const m = keyQueryMetadata(topology, v, i.stores(), 'clicks-per-user', u)!;
      expect(m.partition).toBe(part(u));
      expect(m.activeHost).toBe(part(u) < 2 ? 'a:1' : 'b:1');
      expect(m.standbyHosts).toEqual(part(u) < 2 ? ['b:1'] : part(u) === 2 ? ['a:1'] : []);
    }
    // int32 keys: the store's key serde's bytes (what the repartition topic's partitioner saw)
    const page = keyQueryMetadata(topology, v, i.stores(), 'clicks-per-page', 7)!;
    expect(page.partition).toBe(partitionForKey(serdes.int32().serialize(7)!, 4));
    expect(keyQueryMetadata(topology, null, i.stores(), 'clicks-per-user', 'alice')).toBeNull();
    expect(() => keyQueryMetadata(topology, v, i.stores(), 'nope', 'alice')).toThrow(/no store 'nope' in this app; stores: \[clicks-per-user/);
    // the streams protocol lists each member: an instance with two threads appears twice and is merged
    const merged = routingView('a:1', [
      { endpoint: 'a:1', active: ['0_1', '1_0'], standby: [] }, { endpoint: 'b:1', active: ['0_2'], standby: ['0_1'] },
      { endpoint: 'a:1', active: ['0_0'], standby: ['0_2'] },
    ], new Map([[0, 4]]))!;
    expect(merged.hosts).toEqual([{ endpoint: 'a:1', active: ['0_0', '0_1', '1_0'], standby: ['0_2'] }, { endpoint: 'b:1', active: ['0_2'], standby: ['0_1'] }]);
    expect(routingView(null, merged.hosts, new Map())).toBeNull();
    expect(routingView('a:1', [], new Map())).toBeNull();
    // the running app on the built-in log: no group, every key is its own
    expect(inst.a.running.queryMetadataForKey!('clicks-per-user', 'alice')).toBeNull();
  });
});
