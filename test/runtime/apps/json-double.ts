/** Test app: JSON numbers from `numbers` doubled to `doubled`; the deserialization handler comes from the env. */
import { defineApp, serdes } from '../../../src/index.ts';

const dlt = process.env.TRIB_DLT;

export default defineApp({
  applicationId: 'json-double',
  config: { deserializationExceptionHandler: dlt ? { deadLetterTopic: dlt } : 'fail', commitIntervalMs: 50 },
  build(b) {
    b.stream('numbers', { key: serdes.string(), value: serdes.json<{ n: number }>() })
      .mapValues((v) => v.n * 2)
      .to('doubled', { key: serdes.string(), value: serdes.json<number>() });
  },
});
