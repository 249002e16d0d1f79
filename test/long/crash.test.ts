/**
 * Crash test (npm run test:crash): a count app (test/long/apps/count-app.ts: re-key by word through a repartition
 * topic, count in a LevelDB store with a changelog, every count to `crash-counts`) runs as a real `streams-run`
 * process that is killed with SIGKILL at seeded random moments, many times, while a feeder keeps appending input
 * through LogStore.connect. Then it runs to the end and stops cleanly, and the output is checked against the
 * reference computed from what the input topic really holds:
 * - exactly_once (read_committed): per word the counts are exactly 1..n (n = occurrences in the input), so the
 *   final count is right, with 0 duplicates and 0 gaps;
 * - at_least_once: 0 lost (every word's final count >= n); duplicates are allowed and reported.
 * A second app (test/long/apps/join-app.ts, exactly_once) does a stream-stream join (±100 ms, grace 10 min, join
 * state in changelogged LevelDB window stores) under the same treatment; its committed output must be every
 * (left, right) pair of the input within the window exactly once: 0 duplicates, 0 missing, nothing else.
 * A third app (test/runtime/apps/dedupe.ts, at_least_once, issue 10.1) forwards only ids its LevelDB store has not
 * seen; it starts on a backlog past the store's background write-down threshold, so kills land between a write-down
 * and the commit: every input id must reach the output at least once.
 * Some runs end with a graceful SIGTERM (exit 0, checkpoints) or a double SIGTERM (exit at once) instead.
 * The shared machinery (feeder, kill loop, final run, reading topics) is in crash-lib.ts.
 * Knobs: CRASH_SEED, CRASH_KILLS_EOS, CRASH_KILLS_THREADS, CRASH_KILLS_ALOS, CRASH_KILLS_JOIN, CRASH_KILLS_DEDUPE,
 * CRASH_DEDUPE_BACKLOG, CRASH_FEED_PER_TICK,
 * CRASH_JOIN_FEED_PER_TICK, CRASH_KEEP, CRASH_LOG.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LogStore, type Isolation } from '../../src/log-store/index.ts';
import { int64 } from '../runtime/proc.ts';
import { createTopics, Feeder, killRuns, type KillFigures, mulberry32, readTopic, removeDataDirs, runToEnd, tempDataDir } from './crash-lib.ts';

const SEED = Number(process.env.CRASH_SEED ?? 20261125);
const KILLS = { exactly_once: Number(process.env.CRASH_KILLS_EOS ?? 40), at_least_once: Number(process.env.CRASH_KILLS_ALOS ?? 25) };
const KILLS_THREADS = Number(process.env.CRASH_KILLS_THREADS ?? 15);
const KILLS_JOIN = Number(process.env.CRASH_KILLS_JOIN ?? 16);
const KILLS_DEDUPE = Number(process.env.CRASH_KILLS_DEDUPE ?? 20);
const DEDUPE_BACKLOG = Number(process.env.CRASH_DEDUPE_BACKLOG ?? 60_000);
const FEED_PER_TICK = Number(process.env.CRASH_FEED_PER_TICK ?? 300); // records every 50 ms
const JOIN_FEED_PER_TICK = Number(process.env.CRASH_JOIN_FEED_PER_TICK ?? 60); // per side, every 50 ms
const WORDS = 300;
const JOIN_KEYS = 100;
const APP = 'test/long/apps/count-app.ts';
const JOIN_APP = 'test/long/apps/join-app.ts';
const DEDUPE_APP = 'test/runtime/apps/dedupe.ts';

afterAll(removeDataDirs);

interface Figures {
  guarantee: string;
  threads: number;
  kills: number;
  cleanStops: number;
  doubleSignals: number;
  killedDuringRestore: number;
  input: number;
  outputCommitted: number;
  outputAborted: number;
  words: number;
  duplicates: number;
  gaps: number;
  wrongFinal: number;
  lost: number;
  overcounted: number;
  seconds: number;
}

async function scenario(guarantee: 'exactly_once' | 'at_least_once', threads = 1): Promise<Figures> {
  const began = Date.now();
  const rand = mulberry32(SEED + (guarantee === 'exactly_once' ? 0 : 1));
  const dataDir = tempDataDir(`trib-crash-${guarantee}-`);
  await createTopics(dataDir, { 'crash-input': 2, 'crash-counts': 2 });
  const args = [APP, '--data-dir', dataDir, '--guarantee', guarantee, '--config', 'cacheMaxBytes=0', '--config', `commitIntervalMs=${guarantee === 'exactly_once' ? 100 : 200}`, '--threads', String(threads)];

  const wordRand = mulberry32(SEED * 7 + 3);
  let id = 0;
  const feeder = new Feeder(dataDir, () => {
    const batch = [];
    for (let i = 0; i < FEED_PER_TICK; i++) {
      // skewed word choice: a few hot words, a long tail
      const w = Math.floor(WORDS * wordRand() ** 2);
      batch.push({ topic: 'crash-input', key: `r${id++}`, value: `w${w}` });
    }
    return batch;
  });
  const { kills, cleanStops, doubleSignals, killedDuringRestore } = await killRuns(args, rand, threads > 1 ? KILLS_THREADS : KILLS[guarantee], `${guarantee} threads=${threads}`);
  await feeder.stop();

  // run to the end, then a clean stop
  await runToEnd(args, dataDir, 'crash-count', ['crash-input'], 2);

  // compare with the reference computed from the input that is really in the log
  const log = await LogStore.open(dataDir);
  const input = await readTopic(log, 'crash-input', 'read_uncommitted');
  const reference = new Map<string, number>();
  for (const r of input) {
    const w = Buffer.from(r.value!).toString();
    reference.set(w, (reference.get(w) ?? 0) + 1);
  }
  const isolation: Isolation = guarantee === 'exactly_once' ? 'read_committed' : 'read_uncommitted';
  const out = await readTopic(log, 'crash-counts', isolation);
  const all = guarantee === 'exactly_once' ? await readTopic(log, 'crash-counts', 'read_uncommitted') : out;
  await log.close();
  const seqs = new Map<string, number[]>();
  for (const r of out.sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const s = seqs.get(r.key) ?? [];
    s.push(int64(r.value));
    seqs.set(r.key, s);
  }
  let duplicates = 0, gaps = 0, wrongFinal = 0, lost = 0, overcounted = 0;
  for (const [w, n] of reference) {
    const s = seqs.get(w) ?? [];
    const seen = new Set<number>();
    for (const v of s) if (seen.has(v)) duplicates++; else seen.add(v);
    const max = Math.max(0, ...s);
    for (let v = 1; v <= max; v++) if (!seen.has(v)) gaps++;
    const final = s.length ? s[s.length - 1] : 0;
    if (final !== n) wrongFinal++;
    if (final < n) lost += n - final;
    if (final > n) overcounted += final - n;
  }
  const extraWords = [...seqs.keys()].filter((w) => !reference.has(w)).length;
  expect(extraWords).toBe(0);
  return {
    guarantee, threads, kills, cleanStops, doubleSignals, killedDuringRestore, input: input.length, outputCommitted: out.length, outputAborted: all.length - out.length,
    words: reference.size, duplicates, gaps, wrongFinal, lost, overcounted, seconds: Math.round((Date.now() - began) / 1000),
  };
}

interface JoinFigures extends KillFigures {
  left: number;
  right: number;
  expected: number;
  outputCommitted: number;
  outputAborted: number;
  duplicates: number;
  missing: number;
  unexpected: number;
  wrongTimestamp: number;
  seconds: number;
}

/**
 * The join scenario (test/long/apps/join-app.ts, exactly_once): left and right records on random keys, timestamps
 * up to 200 ms out of order, joined within ±100 ms (grace 10 minutes, so nothing is dropped as late). The reference
 * is every (left, right) pair of a key in the input topics with |left.ts - right.ts| <= 100, with the timestamp
 * max(left.ts, right.ts); the committed output must hold each exactly once and nothing else.
 */
async function joinScenario(): Promise<JoinFigures> {
  const began = Date.now();
  const rand = mulberry32(SEED + 2);
  const dataDir = tempDataDir('trib-crash-join-');
  await createTopics(dataDir, { 'crash-left': 2, 'crash-right': 2, 'crash-joined': 2 });
  const args = [JOIN_APP, '--data-dir', dataDir, '--guarantee', 'exactly_once', '--config', 'commitIntervalMs=100'];

  const feedRand = mulberry32(SEED * 7 + 5);
  let id = 0;
  const feeder = new Feeder(dataDir, () => {
    const now = Date.now();
    const batch = [];
    for (let i = 0; i < 2 * JOIN_FEED_PER_TICK; i++) {
      const side = i % 2 === 0 ? 'l' : 'r';
      const key = `k${Math.floor(JOIN_KEYS * feedRand())}`;
      batch.push({ topic: side === 'l' ? 'crash-left' : 'crash-right', key, value: `${side}${id++}`, timestamp: now - Math.floor(200 * feedRand()) });
    }
    return batch;
  });
  const killed = await killRuns(args, rand, KILLS_JOIN, 'join exactly_once');
  await feeder.stop();
  await runToEnd(args, dataDir, 'crash-join', ['crash-left', 'crash-right'], 4);

  const log = await LogStore.open(dataDir);
  const left = await readTopic(log, 'crash-left', 'read_uncommitted');
  const right = await readTopic(log, 'crash-right', 'read_uncommitted');
  const out = await readTopic(log, 'crash-joined', 'read_committed');
  const all = await readTopic(log, 'crash-joined', 'read_uncommitted');
  await log.close();

  // reference: per key, the right records sorted by timestamp; each left record joins those within ±100 ms
  const rightByKey = new Map<string, Array<{ ts: number; v: string }>>();
  for (const r of right) {
    const l = rightByKey.get(r.key) ?? [];
    l.push({ ts: r.timestamp, v: Buffer.from(r.value!).toString() });
    rightByKey.set(r.key, l);
  }
  for (const l of rightByKey.values()) l.sort((a, b) => a.ts - b.ts);
  const expected = new Map<string, number>(); // "key|l..+r.." -> timestamp
  for (const l of left) {
    const rs = rightByKey.get(l.key) ?? [];
    let lo = 0, hi = rs.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (rs[m].ts < l.timestamp - 100) lo = m + 1; else hi = m; }
    const lv = Buffer.from(l.value!).toString();
    for (let i = lo; i < rs.length && rs[i].ts <= l.timestamp + 100; i++) expected.set(`${l.key}|${lv}+${rs[i].v}`, Math.max(l.timestamp, rs[i].ts));
  }
  const seen = new Map<string, number>();
  let duplicates = 0, unexpected = 0, wrongTimestamp = 0;
  for (const r of out) {
    const k = `${r.key}|${Buffer.from(r.value!).toString()}`;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (n > 1) duplicates++;
    const ts = expected.get(k);
    if (ts === undefined) unexpected++;
    else if (n === 1 && ts !== r.timestamp) wrongTimestamp++;
  }
  let missing = 0;
  for (const k of expected.keys()) if (!seen.has(k)) missing++;
  return {
    ...killed, left: left.length, right: right.length, expected: expected.size, outputCommitted: out.length, outputAborted: all.length - out.length,
    duplicates, missing, unexpected, wrongTimestamp, seconds: Math.round((Date.now() - began) / 1000),
  };
}

interface DedupeFigures extends KillFigures {
  input: number;
  output: number;
  missing: number;
  unexpected: number;
  duplicates: number;
  seconds: number;
}

/**
 * The dedupe scenario (issue 10.1): unique ids `{ id }` on `events` (2 partitions, keyed by id), a backlog of
 * DEDUPE_BACKLOG ids first (more than 20,000 per task, so the LevelDB store writes down before a run's first
 * commit), then a feeder; at_least_once with commitIntervalMs 1000. A store ahead of what was committed would make
 * a replayed id look seen: every id of the input must be in `events-deduped`; duplicates are allowed and reported.
 */
async function dedupeScenario(): Promise<DedupeFigures> {
  const began = Date.now();
  const rand = mulberry32(SEED + 3);
  const dataDir = tempDataDir('trib-crash-dedupe-');
  await createTopics(dataDir, { events: 2, 'events-deduped': 2 });
  const event = (i: number) => ({ topic: 'events', key: `d${i}`, value: JSON.stringify({ id: `d${i}` }) });
  let id = 0;
  const seed = await LogStore.open(dataDir);
  const producer = seed.producer();
  while (id < DEDUPE_BACKLOG) await producer.sendBatch(Array.from({ length: Math.min(10_000, DEDUPE_BACKLOG - id) }, () => event(id++)));
  await seed.close();
  const args = [DEDUPE_APP, '--data-dir', dataDir, '--guarantee', 'at_least_once', '--config', 'commitIntervalMs=1000'];
  const feeder = new Feeder(dataDir, () => Array.from({ length: FEED_PER_TICK }, () => event(id++)));
  const killed = await killRuns(args, rand, KILLS_DEDUPE, 'dedupe at_least_once');
  await feeder.stop();
  await runToEnd(args, dataDir, 'dedupe', ['events'], 2);

  const log = await LogStore.open(dataDir);
  const input = new Set((await readTopic(log, 'events', 'read_uncommitted')).map((r) => r.key));
  const out = await readTopic(log, 'events-deduped', 'read_uncommitted');
  await log.close();
  const outIds = new Set(out.map((r) => r.key));
  let missing = 0;
  for (const i of input) if (!outIds.has(i)) missing++;
  let unexpected = 0;
  for (const o of outIds) if (!input.has(o)) unexpected++;
  return {
    ...killed, input: input.size, output: out.length, missing, unexpected, duplicates: out.length - outIds.size,
    seconds: Math.round((Date.now() - began) / 1000),
  };
}

describe('crash test: SIGKILL at random moments', () => {
  it('exactly_once: committed output equals the reference, 0 duplicates, 0 gaps', async () => {
    const f = await scenario('exactly_once');
    console.log(`crash test ${JSON.stringify(f)}`);
    expect(f.input).toBeGreaterThan(10_000);
    expect(f.outputAborted).toBeGreaterThan(0); // kills really hit open transactions
    expect(f.outputCommitted).toBe(f.input);
    expect({ duplicates: f.duplicates, gaps: f.gaps, wrongFinal: f.wrongFinal }).toEqual({ duplicates: 0, gaps: 0, wrongFinal: 0 });
  });

  it('exactly_once with --threads 2 (tasks in worker threads, one transactional producer each)', async () => {
    const f = await scenario('exactly_once', 2);
    console.log(`crash test ${JSON.stringify(f)}`);
    expect(f.input).toBeGreaterThan(10_000);
    expect(f.outputCommitted).toBe(f.input);
    expect({ duplicates: f.duplicates, gaps: f.gaps, wrongFinal: f.wrongFinal }).toEqual({ duplicates: 0, gaps: 0, wrongFinal: 0 });
  });

  it('exactly_once stream-stream join: committed output is every expected joined record exactly once', async () => {
    const f = await joinScenario();
    console.log(`crash test join ${JSON.stringify(f)}`);
    expect(f.left + f.right).toBeGreaterThan(10_000);
    expect(f.expected).toBeGreaterThan(10_000);
    expect(f.outputAborted).toBeGreaterThan(0); // kills really hit open transactions
    expect({ duplicates: f.duplicates, missing: f.missing, unexpected: f.unexpected, wrongTimestamp: f.wrongTimestamp })
      .toEqual({ duplicates: 0, missing: 0, unexpected: 0, wrongTimestamp: 0 });
    expect(f.outputCommitted).toBe(f.expected);
  });

  it('at_least_once: nothing lost', async () => {
    const f = await scenario('at_least_once');
    console.log(`crash test ${JSON.stringify(f)}`);
    expect(f.input).toBeGreaterThan(10_000);
    expect(f.lost).toBe(0);
    expect(f.outputCommitted).toBeGreaterThanOrEqual(f.input);
  });

  it('at_least_once dedupe (Processor API store): every input id reaches the output at least once', async () => {
    const f = await dedupeScenario();
    console.log(`crash test dedupe ${JSON.stringify(f)}`);
    expect(f.input).toBeGreaterThan(DEDUPE_BACKLOG);
    expect({ missing: f.missing, unexpected: f.unexpected }).toEqual({ missing: 0, unexpected: 0 });
  });
});
