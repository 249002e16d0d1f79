/**
 * The interchange topology of test/kafka/interchange.test.ts, the same as the Java side's
 * (test/java/src/main/java/tributary/interchange/Interchange.java, `streams`): `ix-events` (string keys and values)
 * counted per key in a key-value store ("counts", out to `<applicationId>-counts`), in 10 s tumbling windows
 * ("wcounts", suppressed until the window closes: buffer "supp") and in sessions with a 5 s gap ("scounts");
 * `ix-lines` split into words, re-keyed by word (repartition topic "words-repartition") and counted ("words", out
 * to `<applicationId>-word-counts`).
 * The applicationId comes from IX_APP_ID (default `ix-ts`).
 */
import { BufferConfig, defineApp, serdes, SessionWindows, Suppressed, TimeWindows } from '../../../src/index.ts';

const applicationId = process.env.IX_APP_ID ?? 'ix-ts';
const s = serdes.string();

export default defineApp({
  applicationId,
  build(b) {
    const events = b.stream('ix-events', { key: s, value: s });
    events.groupByKey({ key: s, value: s }).count({ storeName: 'counts' })
      .toStream().to(`${applicationId}-counts`, { key: s, value: serdes.int64() });
    events.groupByKey({ key: s, value: s }).windowedBy(TimeWindows.of({ size: '10s' })).count({ storeName: 'wcounts' })
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('supp'));
    events.groupByKey({ key: s, value: s }).windowedBy(SessionWindows.of({ inactivityGap: '5s' })).count({ storeName: 'scounts' });
    b.stream('ix-lines', { key: s, value: s })
      .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w.length > 0))
      .groupBy((_key, word) => word, { key: s, value: s })
      .count({ storeName: 'words' })
      .toStream().to(`${applicationId}-word-counts`, { key: s, value: serdes.int64() });
  },
});
