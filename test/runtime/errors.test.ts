/** Error handlers (API.md section 6) through the test driver: fail, continue, dead-letter topics, dropped records. */
import { describe, expect, it } from 'vitest';
import { StreamsBuilder, TopologyTestDriver, defineApp, serdes, type DroppedRecord, type StreamsConfig } from '../../src/index.ts';

const str = serdes.string();
const bytes = serdes.bytes();
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | string) => (typeof b === 'string' ? b : new TextDecoder().decode(b));

/** in (string key, json value) -> mapValues (named 'double', throws on negative n) -> out */
function driver(config: StreamsConfig): TopologyTestDriver {
  const b = new StreamsBuilder();
  b.stream('in', { key: str, value: serdes.json<{ n: number }>() })
    .mapValues((v) => {
      if (v.n < 0) throw new RangeError(`negative: ${v.n}`);
      return v.n * 2;
    }, { name: 'double' })
    .to('out', { value: serdes.int32() });
  return new TopologyTestDriver(b.build(), { config: { applicationId: 'errs', ...config } });
}

/** Pipes raw bytes (so a test can send what the json serde cannot read). */
const pipeRaw = (d: TopologyTestDriver, key: string, value: string, headers?: Record<string, string>) =>
  d.createInputTopic('in', bytes, bytes).pipeRecordList([{ key: enc(key), value: enc(value), timestamp: 10, headers }]);

describe('deserializationExceptionHandler', () => {
  it("'fail' (the default) stops with topic, partition, offset, operator and the config key to change", async () => {
    const d = driver({});
    await pipeRaw(d, 'a', '{"n":1}');
    const err = await pipeRaw(d, 'b', 'not json').then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/deserialization error at topic in, partition 0, offset 1, operator KSTREAM-SOURCE-0000000000/);
    expect(err!.message).toMatch(/deserializationExceptionHandler/);
    expect(err!.cause).toBeInstanceOf(Error);
    expect(d.createOutputTopic('out', str, serdes.int32()).readValuesToList()).toEqual([2]);
  });

  it("'continue' skips the record, counts it and goes on", async () => {
    const d = driver({ deserializationExceptionHandler: 'continue' });
    await pipeRaw(d, 'a', 'oops');
    await pipeRaw(d, 'b', '{"n":3}');
    expect(d.createOutputTopic('out', str, serdes.int32()).readKeyValuesToList()).toEqual([{ key: 'b', value: 6 }]);
    expect(d.metrics().skipped).toBe(1);
    await d.close();
  });

  it('{ deadLetterTopic } sends the original bytes and headers there, plus headers saying why and where', async () => {
    const d = driver({ deserializationExceptionHandler: { deadLetterTopic: 'dlq' } });
    await pipeRaw(d, 'a', 'oops', { trace: 't-1' });
    await pipeRaw(d, 'b', '{"n":3}');
    const dlq = d.createOutputTopic('dlq', bytes, bytes).readRecordsToList();
    expect(dlq).toHaveLength(1);
    const r = dlq[0];
    expect(dec(r.key)).toBe('a');
    expect(dec(r.value)).toBe('oops');
    expect(r.timestamp).toBe(10);
    const h = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, dec(v)]));
    expect(h).toMatchObject({
      trace: 't-1',
      '__streams.errors.topic': 'in',
      '__streams.errors.partition': '0',
      '__streams.errors.offset': '0',
      '__streams.errors.operator': 'KSTREAM-SOURCE-0000000000',
    });
    expect(h['__streams.errors.message']).toMatch(/could not parse/);
    expect(d.createOutputTopic('out', str, serdes.int32()).readValuesToList()).toEqual([6]);
    await d.close();
  });
});

describe('processingExceptionHandler', () => {
  it("'fail' (the default) names topic, partition, offset and the operator that threw", async () => {
    const d = driver({});
    const err = await pipeRaw(d, 'a', '{"n":-1}').then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/processing error at topic in, partition 0, offset 0, operator double: negative: -1/);
    expect(err?.message).toMatch(/processingExceptionHandler/);
    expect((err?.cause as Error).name).toBe('RangeError');
  });

  it("'continue' skips the failing record", async () => {
    const d = driver({ processingExceptionHandler: 'continue' });
    await pipeRaw(d, 'a', '{"n":-1}');
    await pipeRaw(d, 'b', '{"n":2}');
    expect(d.createOutputTopic('out', str, serdes.int32()).readKeyValuesToList()).toEqual([{ key: 'b', value: 4 }]);
    expect(d.metrics().skipped).toBe(1);
    await d.close();
  });

  it('{ deadLetterTopic } keeps the original input bytes aside with the exception, and the DLQ is an output topic', async () => {
    const d = driver({ processingExceptionHandler: { deadLetterTopic: 'errs-dlq' } });
    await pipeRaw(d, 'a', '{"n":-5}', { h: 'v' });
    const r = d.createOutputTopic('errs-dlq', str, str).readRecord();
    expect(r.key).toBe('a');
    expect(r.value).toBe('{"n":-5}');
    const h = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, dec(v)]));
    expect(h).toMatchObject({ h: 'v', '__streams.errors.exception': 'RangeError', '__streams.errors.message': 'negative: -5', '__streams.errors.operator': 'double', '__streams.errors.offset': '0' });
    expect(d.createOutputTopic('out').isEmpty()).toBe(true);
    await d.close();
  });

  it('errors in an async processor are handled too', async () => {
    const b = new StreamsBuilder();
    b.stream('in', { key: str, value: str }).process(() => ({
      async process() { await Promise.resolve(); throw new Error('async boom'); },
    }), { name: 'async-proc' });
    const d = new TopologyTestDriver(b.build());
    await expect(d.createInputTopic('in', str, str).pipeInput('k', 'v')).rejects.toThrow(/operator async-proc: async boom/);
    const d2 = new TopologyTestDriver(b.build(), { config: { processingExceptionHandler: 'continue' } });
    await d2.createInputTopic('in', str, str).pipeInput('k', 'v');
    expect(d2.metrics().skipped).toBe(1);
    await d2.close();
  });

  it('an invalid handler value is refused with the key named', () => {
    expect(() => driver({ processingExceptionHandler: 'ignore' as never })).toThrow(/config processingExceptionHandler must be 'fail', 'continue' or \{ deadLetterTopic/);
  });
});

describe('dropped records (onDroppedRecord, droppedRecordsTopic)', () => {
  it('a null key in an aggregation is reported with reason, operator, position and timestamp', async () => {
    const seen: DroppedRecord[] = [];
    const b = new StreamsBuilder();
    b.stream('in', { key: str, value: str }).groupByKey().count({ storeName: 'c' });
    const d = new TopologyTestDriver(b.build(), { config: { onDroppedRecord: (e) => seen.push(e), droppedRecordsTopic: 'dropped' } });
    const input = d.createInputTopic('in', str, str);
    await input.pipeInput('k', 'v', 1);
    await input.pipeInput(null as unknown as string, 'v', 2);
    expect(seen).toEqual([{ reason: 'null-key', operator: 'KSTREAM-AGGREGATE-0000000001', topic: 'in', partition: 0, offset: 1, timestamp: 2 }]);
    expect(d.createOutputTopic('dropped', bytes, serdes.json<DroppedRecord>()).readValuesToList()).toEqual(seen);
    expect(d.metrics().dropped).toEqual({ 'null-key': 1 });
    await d.close();
  });
});

describe('clear errors for bad names and wiring', () => {
  it('invalid names are refused, naming what is wrong', () => {
    const b = new StreamsBuilder();
    expect(() => b.stream('bad topic')).toThrow(/stream\(\) topic 'bad topic' is not a valid name/);
    expect(() => b.stream([])).toThrow(/give at least one topic/);
    expect(() => b.table('t', {}, { storeName: 'a/b' })).toThrow(/Materialized storeName 'a\/b' is not a valid name/);
    expect(() => b.addStateStore({ name: '', type: 'keyValue' })).toThrow(/store name '' is not a valid name/);
    expect(() => b.addStateStore({ name: 'x', type: 'tree' as never })).toThrow(/type must be 'keyValue', 'window' or 'session'/);
    b.addStateStore({ name: 'x', type: 'keyValue' });
    expect(() => b.addStateStore({ name: 'x', type: 'keyValue' })).toThrow(/a store named 'x' already exists/);
    expect(() => b.stream('in').mapValues((v) => v, { name: 'has space' })).toThrow(/Named name 'has space' is not a valid name/);
    expect(() => b.stream('in').groupByKey({ name: '!' })).toThrow(/Grouped name '!' is not a valid name/);
    expect(() => defineApp({ applicationId: 'my app', build() {} })).toThrow(/applicationId must be 1-249 characters/);
  });

  it('two nodes with the same name are refused', () => {
    const b = new StreamsBuilder();
    const s = b.stream('in');
    s.filter(() => true, { name: 'f' });
    expect(() => s.filter(() => true, { name: 'f' })).toThrow(/a node named 'f' already exists/);
  });

  it('a store used by a processor but never added fails at build(), naming the node', () => {
    const b = new StreamsBuilder();
    b.stream('in').process(() => ({ process() {} }), { name: 'needs-store', stores: ['missing-store'] });
    expect(() => b.build()).toThrow(/processor 'needs-store' uses store 'missing-store', which was never added/);
  });
});
