/**
 * Word count: the "hello world" of stream processing.
 *   npx streams-run examples/wordcount.ts
 * reads lines from `text-lines` (seeded with the sample below on a fresh data dir), counts words in a LevelDB
 * store backed by a changelog topic, prints the running counts and writes them to `word-counts`.
 * Feed it more from another terminal while it runs:
 *   echo 'the quick brown fox' | npx streams-run produce text-lines
 *   npx streams-run consume word-counts --from-beginning --value-format int64
 */
import { defineApp, serdes } from 'tributary-streams';

export const sampleInput = {
  'text-lines': [
    'all streams flow to the sea',
    'the sea is not full',
    'to the place where the streams flow',
    'there they flow again',
  ],
};

export default defineApp({
  applicationId: 'wordcount',
  config: { commitIntervalMs: 1000 },
  build(b) {
    const counts = b.stream('text-lines', { key: serdes.string(), value: serdes.string() })
      .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w.length > 0))
      .groupBy((_key, word) => word, { key: serdes.string(), value: serdes.string() })
      .count({ storeName: 'word-counts-store' })
      .toStream();
    counts.to('word-counts', { key: serdes.string(), value: serdes.int64() });
    counts.print({ label: 'word-count' });
  },
});
