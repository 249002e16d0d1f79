/** Shared set-up for the DSL behaviour tests: build a topology, drive it, read what came out. */
import { StreamsBuilder, TopologyTestDriver, serdes, type StreamsConfig } from '../../src/index.ts';

export const str = serdes.string();
export const long = serdes.int64();

/** Builds a topology with `build` and returns a driver on it (config merged over the defaults). */
export function drive(build: (b: StreamsBuilder) => void, config?: StreamsConfig): TopologyTestDriver {
  const b = new StreamsBuilder();
  build(b);
  return new TopologyTestDriver(b.build(), { config: { applicationId: 'dsl-test', ...config } });
}

/** Pipes string key/value pairs into `topic` (string serdes) and returns the key/values written to `out` (string/json). */
export async function pipeStrings(
  d: TopologyTestDriver, topic: string, records: Array<[string | null, string | null, number?]>,
): Promise<void> {
  const input = d.createInputTopic(topic, str, str);
  for (const [k, v, ts] of records) await input.pipeInput(k as string, v as string, ts);
}
