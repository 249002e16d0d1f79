import { describe, expect, it } from 'vitest';
import { createKeyValueStore, createTimestampedKeyValueStore } from '../../src/state/builders.ts';
import { bytes, fakeContext, num, str, text } from './helpers.ts';

describe.each(['memory', 'leveldb'] as const)('change logging over %s', (store) => {
  it('appends every write with the record timestamp to <app>-<store>-changelog on the task partition', async () => {
    const ctx = fakeContext({ partition: 3 });
    const s = createKeyValueStore({ name: 'counts', key: str, value: str, store });
    await s.init(ctx);
    expect(s.changelogTopic).toBe('app-counts-changelog');
    ctx.current = { timestamp: 42, topic: 'in', partition: 3, offset: 7 };
    s.put('k', 'v');
    s.delete('k');
    expect(ctx.sink.records.map((r) => [r.topic, r.partition, r.key, r.value && text(r.value), r.timestamp])).toEqual([
      ['app-counts-changelog', 3, 'k', 'v', 42],
      ['app-counts-changelog', 3, 'k', null, 42],
    ]);
    await s.close();
  });

  it('timestamped stores log the raw value with the value timestamp (as Kafka), and restore puts the timestamp back', async () => {
    const ctx = fakeContext();
    const s = createTimestampedKeyValueStore({ name: 't', key: str, value: num, store, changelogTopic: 'custom' });
    await s.init(ctx);
    s.put('k', { value: 1, timestamp: 99 });
    const r = ctx.sink.records[0];
    expect([r.topic, r.timestamp]).toEqual(['custom', 99]);
    expect([...r.value!]).toEqual([0, 0, 0, 1]);
    const copyCtx = fakeContext();
    const copy = createTimestampedKeyValueStore({ name: 't2', key: str, value: num, store });
    await copy.init(copyCtx);
    copy.restore!(Buffer.from(r.key, 'latin1'), r.value, r.timestamp);
    expect(copyCtx.sink.records).toEqual([]);
    expect(copy.get('k')).toEqual({ value: 1, timestamp: 99 });
    await copy.close();
    await s.close();
  });

  it('restore applies changelog records without logging them', async () => {
    const ctx = fakeContext();
    const s = createKeyValueStore({ name: 'r', key: str, value: str, store });
    await s.init(ctx);
    s.restore!(bytes('a'), bytes('1'), 5);
    s.restore!(bytes('b'), bytes('2'), 6);
    s.restore!(bytes('a'), null, 7);
    expect(s.get('a')).toBeUndefined();
    expect(s.get('b')).toBe('2');
    expect(ctx.sink.records).toEqual([]);
    await s.close();
  });

  it('logging: false writes no changelog and has no topic', async () => {
    const ctx = fakeContext();
    const s = createKeyValueStore({ name: 'n', key: str, value: str, store, logging: false });
    await s.init(ctx);
    s.put('a', 'b');
    expect(s.changelogTopic).toBeNull();
    expect(ctx.sink.records).toEqual([]);
    await s.close();
  });
});
