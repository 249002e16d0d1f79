/**
 * The B2 count app as a module of its own: with numStreamThreads > 1 each stream thread loads the app module
 * itself. Parameters come from the environment (worker threads inherit it): B2_APP_ID, B2_APP_INPUT, B2_APP_CACHING;
 * import the module only after setting them (the id is read at load).
 */
import { defineApp, serdes } from '../../src/index.ts';

export default defineApp({
  applicationId: process.env.B2_APP_ID ?? 'b2',
  build(b) {
    b.stream(process.env.B2_APP_INPUT ?? 'in', { key: serdes.string(), value: serdes.bytes() })
      .groupByKey().count({ storeName: 'counts', caching: process.env.B2_APP_CACHING !== 'false' });
  },
});
