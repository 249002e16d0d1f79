// Fails on the value 'boom' (test/cli/small-things.test.ts: --config JSON values, a fatal error printed once).
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'boom',
  build(b) {
    b.stream('in', { key: serdes.string(), value: serdes.string() })
      .mapValues((v) => {
        if (v === 'boom') throw new Error(`cannot process '${v}'`);
        return v.toUpperCase();
      })
      .to('out');
  },
});
