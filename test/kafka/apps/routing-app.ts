/**
 * The app of test/kafka/query-routing.test.ts: `<run>-in` records (key: a user, value: a color) counted per key
 * (store `per-key`, the source's sub-topology) and per color through a repartition topic (store `per-value`, a
 * second sub-topology), so routing is checked on both. `<run>` comes from TRIBUTARY_ROUTING_RUN (one group per run).
 */
import { defineApp, serdes } from '../../../src/index.ts';

const run = process.env.TRIBUTARY_ROUTING_RUN ?? 'routing';

export default defineApp({
  applicationId: `${run}-app`,
  config: { commitIntervalMs: 200, cacheMaxBytes: 0 },
  build(b) {
    const s = b.stream(`${run}-in`, { key: serdes.string(), value: serdes.string() });
    s.groupByKey().count({ storeName: 'per-key' });
    s.groupBy((_k, v) => v, { key: serdes.string(), value: serdes.string() }).count({ storeName: 'per-value' });
  },
});
