/** Test app: counts per key; records without a key are dropped by groupByKey (reason null-key). */
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'null-keys',
  config: { commitIntervalMs: 50 },
  build(b) {
    b.stream('events', { key: serdes.string(), value: serdes.string() })
      .groupByKey()
      .count({ storeName: 'counts' })
      .toStream()
      .to('counts-out', { key: serdes.string(), value: serdes.int64() });
  },
});
