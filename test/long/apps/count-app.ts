/**
 * The crash test's app: input records `{ key: <record id>, value: <word> }` on `crash-input` are re-keyed by
 * word (a repartition topic, so both sub-topologies and the repartition path are under test), counted in a
 * LevelDB store with a changelog, and every count goes to `crash-counts`. The crash test runs it with
 * cacheMaxBytes=0 so that every input record yields one output record (count n for the n-th occurrence).
 */
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'crash-count',
  build(b) {
    b.stream('crash-input', { key: serdes.string(), value: serdes.string() })
      .groupBy((_id, word) => word, { key: serdes.string(), value: serdes.string() })
      .count({ storeName: 'counts' })
      .toStream()
      .to('crash-counts', { key: serdes.string(), value: serdes.int64() });
  },
});
