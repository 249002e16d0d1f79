// App B of a two-app pipeline on one data dir (test/cli/two-apps.test.ts): counts mid's values per key -> counts.
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'pipe-count',
  config: { processingGuarantee: 'exactly_once' },
  build(b) {
    b.stream('mid', { key: serdes.string(), value: serdes.string() })
      .filter((_k, v) => v === v.toUpperCase())
      .groupByKey()
      .count()
      .toStream()
      .to('counts', { key: serdes.string(), value: serdes.int64() });
  },
});
