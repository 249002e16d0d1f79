/** Test app: mapValues throws on a record without `n` (a processing error in the user's own code). */
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'throwing-map',
  config: { commitIntervalMs: 50 },
  build(b) {
    b.stream('words', { key: serdes.string(), value: serdes.json<{ n: string }>() })
      .mapValues((v) => v.n.toUpperCase())
      .to('upper', { key: serdes.string(), value: serdes.string() });
  },
});
