// TypeScript app compiled with `tsc` (module/moduleResolution NodeNext) against the shipped .d.ts files, and
// loaded by `streams-run` through tsx (scripts/pack-test.sh).
import { defineApp, serdes, TimeWindows, type KStream, type Windowed } from 'tributary-streams';

interface View { page: string; user: string }

export default defineApp({
  applicationId: 'pack-pageviews',
  build(b) {
    const views: KStream<string, View> = b.stream('pageviews', { key: serdes.string(), value: serdes.json<View>() });
    // @ts-expect-error a View has no `url`: the shipped types are real, not `any`
    views.filter((_k, v) => v.url !== '/health');
    views.filter((_k, v) => v.page !== '/health')
      .groupByKey()
      .windowedBy(TimeWindows.of({ size: '1m' }))
      .count()
      .toStream()
      .map((k: Windowed<string>, n: number) => ({ key: `${k.key}@${k.window.start}`, value: n }))
      .to('pageview-counts', { key: serdes.string(), value: serdes.int64() });
  },
});
