/**
 * B5 stream-table join (/work/shared/BENCHMARKS.md): KStream.leftJoin(KTable) with the table preloaded (1M keys),
 * then N stream records (10M in the protocol) with uniform keys over the table's key space (plus 1% unknown keys).
 * One task driven directly (the runtime's Task with its processors and stores, cache on, a commit every 10k
 * records), no log: the figure is the join path (deserialize, value-getter lookup, joiner, serialize at the sink).
 * Reports rec/s, p99 per-record latency (sampled every 100th record) and peak RSS.
 *   npx tsx bench/join.ts [records] [--table-keys N] [--store memory|leveldb]
 */
import { StreamsBuilder, serdes } from '../src/index.ts';
import { resolveConfig } from '../src/runtime/config.ts';
import { createStore, type StoreHandle } from '../src/runtime/stores/stores.ts';
import { Task } from '../src/runtime/task.ts';
import { rng } from './lib/gen.ts';
import { appendResult, machine, percentile } from './lib/machine.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const N = Number(process.argv.slice(2).find((a, i, all) => /^\d+$/.test(a) && !all[i - 1]?.startsWith('--')) ?? 10_000_000);
const TABLE_KEYS = Number(arg('--table-keys') ?? 1_000_000);
const STORE = (arg('--store') ?? 'leveldb') as 'memory' | 'leveldb';
const peakRssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

interface Order { amount: number; sku: string }
interface Customer { name: string; tier: string }

const b = new StreamsBuilder();
const customers = b.table('customers', { key: serdes.string(), value: serdes.json<Customer>() }, { store: STORE });
b.stream('orders', { key: serdes.string(), value: serdes.json<Order>() })
  .leftJoin(customers, (o, c) => ({ ...o, tier: c?.tier ?? 'unknown' }))
  .to('enriched', { key: serdes.string(), value: serdes.json<Order & { tier: string }>() });
const topology = b.build();
const config = resolveConfig('b5', { cacheMaxBytes: 10 * 1024 * 1024 });
const stores = new Map<string, StoreHandle>();
for (const spec of topology.stores.values()) {
  stores.set(spec.name, createStore({ ...spec, logging: false }, {
    defaultStore: STORE, defaultKeySerde: config.defaultKeySerde, defaultValueSerde: config.defaultValueSerde, cacheMaxBytes: config.cacheMaxBytes,
  }));
}
let emitted = 0;
const output = { send: () => void emitted++ };
const task = new Task({ topology, nodes: new Set(topology.order), taskId: '0_0', partition: 0, config, stores, output, wallClock: () => 0 });
await task.init();

const enc = new TextEncoder();
const key = (i: number) => enc.encode(`customer-${i}`);
const t0 = performance.now();
for (let i = 0; i < TABLE_KEYS; i++) {
  const r = task.processRaw('customers', 0, i, key(i), enc.encode(JSON.stringify({ name: `c${i}`, tier: i % 10 === 0 ? 'gold' : 'basic' })), 0, undefined);
  if (r instanceof Promise) await r;
  if (i % 10_000 === 9_999) await task.flush();
}
await task.flush();
const loadSecs = (performance.now() - t0) / 1000;

const random = rng(5);
const values = Array.from({ length: 64 }, (_, i) => enc.encode(JSON.stringify({ amount: i * 3 + 1, sku: `sku-${i}` })));
const latencies: number[] = [];
const t1 = performance.now();
for (let i = 0; i < N; i++) {
  const k = random() < 0.01 ? TABLE_KEYS + (i % 1000) : Math.floor(random() * TABLE_KEYS);
  const sample = i % 100 === 0;
  const s = sample ? performance.now() : 0;
  const r = task.processRaw('orders', 0, i, key(k), values[i & 63], 1 + i, undefined);
  if (r instanceof Promise) await r;
  if (sample) latencies.push(performance.now() - s);
  if (i % 10_000 === 9_999) await task.flush();
}
await task.flush();
const secs = (performance.now() - t1) / 1000;
await task.close();
latencies.sort((x, y) => x - y);
const rate = Math.round(N / secs);
const p99 = Number(percentile(latencies, 99).toFixed(3));
const rss = peakRssMB();
process.stdout.write(`B5 leftJoin(KTable) ${STORE}: table ${TABLE_KEYS} keys loaded in ${loadSecs.toFixed(1)} s; ${N} stream records in ${secs.toFixed(1)} s = ${rate} rec/s, p99 ${p99} ms/record, peak RSS ${rss} MB, ${emitted} results\n`);
appendResult('B5 stream-table join', ['date', 'machine', 'store', 'table keys', 'stream records', 'rec/s', 'p99 ms/record', 'peak RSS MB'],
  [new Date().toISOString().slice(0, 10), machine(), STORE, TABLE_KEYS, N, rate, p99, rss]);
