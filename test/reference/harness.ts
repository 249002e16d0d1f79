/**
 * Runs a Java reference fixture (test/fixtures/java/<name>.json, produced by Kafka Streams 4.4's
 * TopologyTestDriver, see test/java/README.md) through Tributary's TopologyTestDriver with the same topology
 * and compares every step's output, record by record, and the final store contents.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { StreamsBuilder, TopologyTestDriver, serdes, type Serde } from '../../src/index.ts';

interface SerdeKind { key: string; value: string; windowSize?: number }
interface OutRec { key: unknown; value: unknown; timestamp: number }
interface Step {
  pipe?: { topic: string; key: unknown; value: unknown; timestamp: number };
  advanceWallClock?: number;
  out: Record<string, OutRec[]>;
}
export interface Fixture {
  scenario: string;
  description: string;
  config: Record<string, unknown>;
  topology: string;
  inputs?: Record<string, SerdeKind>;
  outputs?: Record<string, SerdeKind>;
  steps?: Step[];
  stores?: Record<string, Array<[unknown, unknown]>>;
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/java/${name}.json`, import.meta.url), 'utf8')) as Fixture;
}

function serdeOf(kind: string, windowSize?: number): Serde<unknown> {
  switch (kind) {
    case 'string': return serdes.string() as Serde<unknown>;
    case 'long': return serdes.int64() as Serde<unknown>;
    case 'timeWindowed': return serdes.windowed(serdes.string(), { windowSize }) as Serde<unknown>;
    case 'sessionWindowed': return serdes.sessionWindowed(serdes.string()) as Serde<unknown>;
    default: throw new Error(`fixture serde kind '${kind}' is not known to the harness`);
  }
}

export interface RunOptions {
  /** Compare topology.describe() with Java's (default true). */
  describe?: boolean;
  /** Read stores after the run: name -> reader returning [key, value] pairs in Java's order. */
  stores?: Record<string, (driver: TopologyTestDriver) => Promise<Array<[unknown, unknown]>>>;
}

/** Builds the topology with `build`, runs the fixture's steps and asserts equality with Java's outputs. */
export async function runFixture(name: string, build: (b: StreamsBuilder) => void, opts: RunOptions = {}): Promise<void> {
  const fx = loadFixture(name);
  const b = new StreamsBuilder();
  build(b);
  const topology = b.build();
  if (opts.describe !== false) expect(topology.describe(), `${name}: describe()`).toBe(fx.topology);
  if (!fx.steps) return;
  const driver = new TopologyTestDriver(topology, {
    config: {
      applicationId: String(fx.config['application.id'] ?? 'app'),
      cacheMaxBytes: Number(fx.config['statestore.cache.max.bytes'] ?? fx.config.cacheMaxBytes ?? 10 * 1024 * 1024),
      defaultKeySerde: serdes.string() as Serde<unknown>,
      defaultValueSerde: serdes.string() as Serde<unknown>,
    },
    initialWallClockTime: Number(fx.config.initialWallClockMs ?? 0),
  });
  try {
    const inputs = Object.fromEntries(Object.entries(fx.inputs ?? {}).map(([t, k]) =>
      [t, driver.createInputTopic(t, serdeOf(k.key, k.windowSize), serdeOf(k.value, k.windowSize))]));
    const outputs = Object.fromEntries(Object.entries(fx.outputs ?? {}).map(([t, k]) =>
      [t, driver.createOutputTopic(t, serdeOf(k.key, k.windowSize), serdeOf(k.value, k.windowSize))]));
    for (const [i, step] of fx.steps.entries()) {
      if (step.pipe) await inputs[step.pipe.topic].pipeInput(step.pipe.key, step.pipe.value, step.pipe.timestamp);
      if (step.advanceWallClock !== undefined) await driver.advanceWallClockTime(step.advanceWallClock);
      for (const [topic, expected] of Object.entries(step.out)) {
        const actual = outputs[topic].readRecordsToList().map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }));
        expect(actual, `${name}: step ${i} (${JSON.stringify(step.pipe ?? { advanceWallClock: step.advanceWallClock })}) on ${topic}`).toEqual(expected);
      }
    }
    for (const [store, read] of Object.entries(opts.stores ?? {})) {
      expect(await read(driver), `${name}: final contents of store ${store}`).toEqual(fx.stores?.[store]);
    }
  } finally {
    await driver.close();
  }
}

/** Reads a key-value store in key order as [key, value] pairs (Java's store dump). */
export async function kvPairs(driver: TopologyTestDriver, name: string): Promise<Array<[unknown, unknown]>> {
  const out: Array<[unknown, unknown]> = [];
  for await (const kv of driver.getKeyValueStore(name).all()) out.push([kv.key, kv.value]);
  return out;
}

/** Both cache variants of a scenario that has a -nocache twin. */
export const bothCaches = (name: string): string[] => [name, `${name}-nocache`];
