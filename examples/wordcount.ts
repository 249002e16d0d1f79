/**
 * Word count: the "hello world" of stream processing.
 *   npx streams-run examples/wordcount.ts --create-topics
 * reads lines from `text-lines`, counts words in a LevelDB store backed by a changelog topic, and writes
 * the running counts to `word-counts`. Feed it from another terminal:
 *   echo '{"value":"the quick brown fox"}' | npx streams-run produce text-lines
 *   npx streams-run consume word-counts --from-beginning
 */
import { defineApp, serdes } from '../src/index.ts';

export default defineApp({
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
