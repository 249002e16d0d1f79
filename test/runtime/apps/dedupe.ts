/**
 * Test app (issue 10, part 1): a Processor API dedupe. JSON events `{ id }` on `events`; a LevelDB key-value store
 * with a changelog keeps the ids seen, and only the first record of each id goes on to `events-deduped`.
 * at_least_once, commitIntervalMs 1000 by default (both may be overridden with --guarantee / --config).
 */
import { defineApp, serdes, type KeyValueStore, type ProcessorContext } from '../../../src/index.ts';

interface Event { id: string }

export default defineApp({
  applicationId: 'dedupe',
  config: { commitIntervalMs: 1000 },
  build(b) {
    b.addStateStore({ name: 'seen-ids', type: 'keyValue', key: serdes.string(), value: serdes.int64() });
    b.stream('events', { key: serdes.string(), value: serdes.json<Event>() })
      .process<string, Event>(() => {
        let ctx!: ProcessorContext<string, Event>;
        let seen!: KeyValueStore<string, number>;
        return {
          init(c) {
            ctx = c;
            seen = c.getStateStore<KeyValueStore<string, number>>('seen-ids');
          },
          process(r) {
            if (seen.get(r.value.id) !== undefined) return;
            seen.put(r.value.id, r.timestamp);
            return ctx.forward(r);
          },
        };
      }, { stores: ['seen-ids'] })
      .to('events-deduped', { key: serdes.string(), value: serdes.json<Event>() });
  },
});
