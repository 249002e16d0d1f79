// App A of a two-app pipeline on one data dir (test/cli/two-apps.test.ts): src -> upper-cased -> mid.
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'pipe-upper',
  config: { processingGuarantee: 'exactly_once' },
  build(b) {
    b.stream('src', { key: serdes.string(), value: serdes.string() })
      .mapValues((v) => v.toUpperCase())
      .to('mid', { key: serdes.string(), value: serdes.string() });
  },
});
