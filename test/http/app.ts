/**
 * The HTTP tests' app: one input topic feeding a string-keyed count, an int32-keyed count, a
 * tumbling-window count and a session count, so every endpoint of API.md section 8 has a store to ask.
 */
import { defineApp, serdes, SessionWindows, TimeWindows } from '../../src/index.ts';

export interface Click { user: string; page: number }

export default defineApp({
  applicationId: 'http-test',
  config: { commitIntervalMs: 100 },
  build(b) {
    const clicks = b.stream('clicks', { key: serdes.string(), value: serdes.json<Click>() });
    clicks.groupByKey().count({ storeName: 'clicks-per-user' });
    clicks.groupBy((_k, v) => v.page, { key: serdes.int32(), value: serdes.json<Click>() })
      .count({ storeName: 'clicks-per-page' });
    clicks.groupByKey().windowedBy(TimeWindows.of({ size: '1m' })).count({ storeName: 'clicks-per-minute' });
    clicks.groupByKey().windowedBy(SessionWindows.of({ inactivityGap: '10s' })).count({ storeName: 'click-sessions' });
  },
});
