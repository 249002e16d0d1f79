/**
 * TD: word count (examples/wordcount.ts minus its print) through TopologyTestDriver. Lines/s and words/s over TD_LINES
 * lines (default 100k, 4-12 words each from a zipf(5000) vocabulary), one `pipeInput` per line as a user's
 * test does; and the time from `new TopologyTestDriver` to the first piped record's result being readable
 * (cold: the first driver of this process, modules loaded; warm: median of 20 later drivers). Target < 20 ms.
 * Median of TD_RUNS (default 3) after a warm-up run.
 */
import { TopologyTestDriver, defineApp, serdes } from '../src/index.ts';
import { keyIndexes, peakRssMB, rng } from './lib/gen.ts';
import { appendResult, machine, median } from './lib/machine.ts';

const LINES = Number(process.env.TD_LINES ?? 100_000);
const RUNS = Number(process.env.TD_RUNS ?? 3);

/** examples/wordcount.ts without its console `print()`. */
const wordcount = defineApp({
  applicationId: 'wordcount',
  build(b) {
    b.stream('text-lines', { key: serdes.string(), value: serdes.string() })
      .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w.length > 0))
      .groupBy((_key, word) => word, { key: serdes.string(), value: serdes.string() })
      .count({ storeName: 'word-counts-store' })
      .toStream()
      .to('word-counts', { key: serdes.string(), value: serdes.int64() });
  },
});

function lines(n: number): { lines: string[]; words: number } {
  const r = rng(42);
  const word = keyIndexes({ kind: 'zipf', k: 5000, s: 0.99 }, r);
  const out: string[] = [];
  let words = 0;
  for (let i = 0; i < n; i++) {
    const w = 4 + Math.floor(r() * 9);
    words += w;
    const parts: string[] = [];
    for (let j = 0; j < w; j++) parts.push(`w${word().toString(36)}`);
    out.push(parts.join(' '));
  }
  return { lines: out, words };
}

async function firstRecordMs(): Promise<number> {
  const t0 = performance.now();
  const d = new TopologyTestDriver(wordcount);
  const input = d.createInputTopic('text-lines', serdes.string(), serdes.string());
  const output = d.createOutputTopic('word-counts', serdes.string(), serdes.int64());
  await input.pipeInput('k', 'hello tributary');
  const got = output.readKeyValuesToList();
  const ms = performance.now() - t0;
  if (got.length !== 2) throw new Error(`first record: expected 2 counts, got ${got.length}`);
  await d.close();
  return ms;
}

async function throughput(data: string[]): Promise<number> {
  const d = new TopologyTestDriver(wordcount);
  const input = d.createInputTopic('text-lines', serdes.string(), serdes.string());
  const output = d.createOutputTopic('word-counts', serdes.string(), serdes.int64());
  const t0 = performance.now();
  for (let i = 0; i < data.length; i++) await input.pipeInput(null as unknown as string, data[i], i);
  const counts = output.readKeyValuesToMap();
  const s = (performance.now() - t0) / 1000;
  if (counts.size === 0) throw new Error('no output');
  await d.close();
  return s;
}

const cold = await firstRecordMs();
const warmFirst: number[] = [];
for (let i = 0; i < 20; i++) warmFirst.push(await firstRecordMs());
const { lines: data, words } = lines(LINES);
await throughput(data.slice(0, Math.min(20_000, LINES))); // warm-up
const secs: number[] = [];
for (let i = 0; i < RUNS; i++) secs.push(await throughput(data));
const s = median(secs);
const lps = LINES / s;
const wps = words / s;
const warm = median(warmFirst);
console.log(`TD wordcount: ${Math.round(lps).toLocaleString('en')} lines/s (${Math.round(wps).toLocaleString('en')} words/s), ${LINES} lines, median of ${RUNS}`);
console.log(`TD first record: cold ${cold.toFixed(1)} ms, warm ${warm.toFixed(2)} ms (target < 20 ms); peak RSS ${peakRssMB().toFixed(0)} MB`);
appendResult('TD test driver (word count)',
  ['date', 'machine', 'lines', 'lines/s', 'words/s', 'first record cold', 'first record warm', 'peak RSS', 'note'],
  [new Date().toISOString().slice(0, 10), machine(), LINES, Math.round(lps), Math.round(wps), `${cold.toFixed(1)} ms`, `${warm.toFixed(2)} ms`, `${peakRssMB().toFixed(0)} MB`, process.env.BENCH_NOTE ?? '']);
