/**
 * The app of test/kafka/restore-marker.test.ts: `marker-input` records keyed by word are counted per key (no
 * repartition: the store's changelog records are written in the same transaction as the input's processing, so a
 * kill can leave them in an open transaction) in a LevelDB store with a changelog; every count goes to `marker-counts`.
 */
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'marker-count',
  build(b) {
    b.stream('marker-input', { key: serdes.string(), value: serdes.string() })
      .groupByKey()
      .count({ storeName: 'counts' })
      .toStream()
      .to('marker-counts', { key: serdes.string(), value: serdes.int64() });
  },
});
