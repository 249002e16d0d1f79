/**
 * The B1 stateless app as a module of its own (with numStreamThreads > 1 each stream thread loads the app module
 * itself): filter (~50% pass) -> mapValues -> sink. Parameters from the environment, which worker threads
 * inherit: B1_APP_ID, B1_APP_INPUT, B1_APP_OUTPUT. Import it only after setting them (the id is read at load).
 */
import { defineApp, serdes } from '../../src/index.ts';
import { pass, project, type Event } from './events.ts';

export default defineApp({
  applicationId: process.env.B1_APP_ID ?? 'b1',
  build(b) {
    b.stream(process.env.B1_APP_INPUT ?? 'in', { key: serdes.string(), value: serdes.json<Event>() })
      .filter((_k, v) => pass(v))
      .mapValues((v) => project(v))
      .to(process.env.B1_APP_OUTPUT ?? 'out', { key: serdes.string(), value: serdes.json() });
  },
});
