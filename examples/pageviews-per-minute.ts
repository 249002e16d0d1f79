/**
 * Page views per user per minute, final results only: the example of API.md section 2.
 *   npx streams-run examples/pageviews-per-minute.ts --create-topics
 * reads `pageviews` (key: user, value: a JSON view; seeded with the sample below on a fresh data dir), drops health
 * checks, counts views per user in 1-minute tumbling windows with 10 s grace, and writes one count per user and
 * minute to `pageview-counts` once the window has closed (stream time >= window end + grace): suppress holds back
 * the intermediate updates. A view for a window that has already closed is dropped and reported to onDroppedRecord.
 *   npx streams-run consume pageview-counts --from-beginning --value-format int64
 */
import { defineApp, serdes, Suppressed, TimeWindows, type DroppedRecord } from 'tributary-streams';

export interface View {
  page: string;
  referrer?: string;
}

const minute = 60_000;

/** Sample input: alice and bob over two minutes, a health check, and a view that arrives after its window closed. */
export const sampleInput = {
  pageviews: [
    { key: 'alice', value: { page: '/home' }, timestamp: 0 },
    { key: 'bob', value: { page: '/home' }, timestamp: 5_000 },
    { key: 'alice', value: { page: '/cart' }, timestamp: 30_000 },
    { key: 'alice', value: { page: '/health' }, timestamp: 40_000 },
    { key: 'bob', value: { page: '/about' }, timestamp: minute + 5_000 },
    { key: 'alice', value: { page: '/pay' }, timestamp: minute + 12_000 },
    { key: 'bob', value: { page: '/late' }, timestamp: 50_000 },
    { key: 'alice', value: { page: '/home' }, timestamp: 3 * minute },
  ],
};

/** Built by a function so that a test can pass its own onDroppedRecord. */
export function pageviewsApp(onDroppedRecord?: (e: DroppedRecord) => void) {
  return defineApp({
    applicationId: 'pageview-counts',
    config: {
      commitIntervalMs: 1000,
      onDroppedRecord: onDroppedRecord ?? ((e) => console.warn(`dropped (${e.reason}, ${e.lateByMs ?? 0} ms late) at ${e.operator}: ${e.topic}-${e.partition}@${e.offset}`)),
    },
    build(b) {
      b.stream('pageviews', { key: serdes.string(), value: serdes.json<View>() })
        .filter((_user, view) => view.page !== '/health')
        .groupByKey()
        .windowedBy(TimeWindows.of({ size: '1m', grace: '10s' }))
        .count({ storeName: 'views-per-minute' })
        .suppress(Suppressed.untilWindowCloses())
        .toStream()
        .to('pageview-counts', { key: serdes.windowed(serdes.string(), { windowSize: minute }), value: serdes.int64() });
    },
  });
}

export default pageviewsApp();
