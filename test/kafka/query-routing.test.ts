/**
 * Query routing on a real broker (issue #13, API.md section 8): two instances of one app (`streams-run --http
 * --config applicationServer=...`, classic and streams group protocols; one with 2 stream threads) share the 4 tasks of each
 * sub-topology; every key of both stores (one on the source's sub-topology, one behind a repartition topic) is
 * answered correctly by either instance, with fetch and with `streams-run query --http`, and a range asked of one
 * instance has every row. ?local=true shows that the other instance's keys really were forwarded. When one instance
 * stops, the other takes its tasks over and answers every key itself.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { AppProcess, cli, until } from '../runtime/proc.ts';
import { kcatProduce } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const stamp = `qr${Date.now().toString(36)}`;
const COLORS = ['red', 'green', 'blue', 'amber', 'teal', 'plum'];
const USERS = Array.from({ length: 24 }, (_, i) => `user-${i}`);
// user-i sends i % 3 + 1 records, colors in turn
const records: Array<[string, string]> = USERS.flatMap((u, i) => Array.from({ length: (i % 3) + 1 }, (_, j) => [u, COLORS[(i + j) % COLORS.length]] as [string, string]));
const perKey = new Map(USERS.map((u, i) => [u, (i % 3) + 1]));
const perValue = new Map<string, number>();
for (const [, c] of records) perValue.set(c, (perValue.get(c) ?? 0) + 1);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

interface Instance { p: AppProcess; url: string; dir: string }
const instances: Instance[] = [];

async function start(run: string, protocol: string, extra: string[] = []): Promise<Instance> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${run}-`));
  const p = new AppProcess(['test/kafka/apps/routing-app.ts', '--bootstrap', bootstrap, '--state-dir', dir, '--http', `127.0.0.1:${port}`,
    '--config', `applicationServer=127.0.0.1:${port}`, '--config', `groupProtocol=${protocol}`, '--config', 'sessionTimeoutMs=6000', '--status-interval', '0', ...extra], { TRIBUTARY_ROUTING_RUN: run });
  const i = { p, url: `http://127.0.0.1:${port}`, dir };
  instances.push(i);
  return i;
}

const getJson = async (url: string): Promise<{ status: number; body: unknown }> => {
  const r = await fetch(url);
  return { status: r.status, body: r.headers.get('content-type')?.includes('ndjson') ? (await r.text()).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown) : await r.json() };
};

/** Every key of both stores, asked of this instance, has its expected count. */
async function allAnswered(i: Instance): Promise<boolean> {
  for (const [store, expected] of [['per-key', perKey], ['per-value', perValue]] as const) {
    for (const [k, n] of expected) {
      const r = await getJson(`${i.url}/stores/${store}/keys/${encodeURIComponent(k)}`);
      if (r.status !== 200 || (r.body as { value: number }).value !== n) return false;
    }
  }
  return true;
}

afterEach(async () => {
  for (const i of instances.splice(0)) {
    i.p.kill('SIGTERM');
    await i.p.exited;
    fs.rmSync(i.dir, { recursive: true, force: true });
  }
});

describe('interactive queries routed to the owning instance (4 partitions)', () => {
  it.each(['classic', 'streams'])('%s protocol: either instance answers every key of both stores; a range has every row', async (protocol) => {
    const run = `${stamp}-${protocol}`;
    const made = await cli(['topics', 'create', `${run}-in`, '-p', '4', '--bootstrap', bootstrap]);
    expect(made.code, made.stderr).toBe(0);
    kcatProduce(bootstrap, `${run}-in`, records); // murmur2 by key, as Java's default partitioner
    // a runs 2 stream threads (2 group members; the hosts reach its HTTP server from worker threads), b one
    const a = await start(run, protocol, ['--threads', '2']);
    await a.p.waitFor('running on Kafka', 60_000);
    const b = await start(run, protocol);
    await b.p.waitFor('running on Kafka', 60_000);
    // both in the group's view (3 members: a's 2 threads and b) with the 8 tasks of sub-topologies 0 and 1, then every key counted
    const split = async () => {
      const r = await getJson(`${a.url}/stores`);
      const inst = (r.body as { instances?: Array<{ endpoint: string; active: string[] }> }).instances ?? [];
      return inst.length === 2 && inst.every((x) => x.active.length > 0) && inst.flatMap((x) => x.active).length === 8;
    };
    await until(split, 40_000, 'both instances in the group view with the 8 tasks spread over them');
    await until(async () => (await allAnswered(a)) && (await allAnswered(b)), 30_000, 'every key answered by both instances');

    // each instance owns some keys (of one store or both): ?local=true does not find the other's, the routed query does
    const owned = new Map<Instance, Array<[string, string]>>();
    for (const store of ['per-key', 'per-value']) {
      const expected = store === 'per-key' ? perKey : perValue;
      const local = await Promise.all([a, b].map(async (i) => ((await getJson(`${i.url}/stores/${store}?local=true`)).body as Array<{ key: string }>).map((r) => r.key)));
      expect([...local[0], ...local[1]].sort(), store).toEqual([...expected.keys()].sort());
      local.forEach((keys, n) => owned.set([a, b][n], [...(owned.get([a, b][n]) ?? []), ...keys.map((k) => [store, k] as [string, string])]));
    }
    const ofA = owned.get(a)![0];
    const ofB = owned.get(b)![0];
    expect(ofA && ofB).toBeTruthy();
    for (const [asked, [store, key]] of [[a, ofB], [b, ofA]] as const) {
      const expected = (store === 'per-key' ? perKey : perValue).get(key);
      expect((await getJson(`${asked.url}/stores/${store}/keys/${key}?local=true`)).status).toBe(404);
      expect((await getJson(`${asked.url}/stores/${store}/keys/${key}`)).body).toMatchObject({ key, value: expected });
    }

    // a range over every instance, from either
    for (const i of [a, b]) {
      const rows = (await getJson(`${i.url}/stores/per-value`)).body as Array<{ key: string; value: number }>;
      expect(rows.map((r) => `${r.key}=${r.value}`).sort()).toEqual([...perValue].map(([k, n]) => `${k}=${n}`).sort());
    }

    // the command-line client, pointed at either instance, for a key the other one owns
    for (const [i, [store, key]] of [[a, ofB], [b, ofA]] as const) {
      const q = await cli(['query', store, key, '--http', i.url]);
      expect(q.code, q.stderr).toBe(0);
      expect(JSON.parse(q.stdout)).toMatchObject({ key, value: (store === 'per-key' ? perKey : perValue).get(key) });
    }
    const range = await cli(['query', 'per-key', '--http', a.url]);
    expect(range.code, range.stderr).toBe(0);
    expect(range.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { key: string }).key).sort()).toEqual([...USERS].sort());

    // b stops (leaves the group): a takes its tasks over from the changelogs and answers every key itself
    b.p.kill('SIGTERM');
    expect((await b.p.exited).code).toBe(0);
    await until(async () => (await allAnswered(a)) && ((await getJson(`${a.url}/stores`)).body as { instances: unknown[] }).instances.length === 1, 40_000, 'a alone answers every key');
    expect(((await getJson(`${a.url}/stores/per-key?local=true`)).body as unknown[]).length).toBe(USERS.length);
  });
});
