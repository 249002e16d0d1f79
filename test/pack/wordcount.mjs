// Plain-JavaScript app used by scripts/pack-test.sh against the installed tarball.
import { defineApp, serdes } from 'tributary-streams';

export default defineApp({
  applicationId: 'pack-wordcount',
  build(b) {
    b.stream('text-lines', { key: serdes.string(), value: serdes.string() })
      .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w.length > 0))
      .groupBy((_k, word) => word, { key: serdes.string() })
      .count({ storeName: 'counts' })
      .toStream()
      .to('word-counts', { key: serdes.string(), value: serdes.int64() });
  },
});
