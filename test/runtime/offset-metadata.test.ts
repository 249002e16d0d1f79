/**
 * The committed offset metadata codec against strings Kafka Streams 4.4 itself produced: each expected string was
 * printed by `new TopicPartitionMetadata(time, new ProcessorMetadata(map)).encode()` from kafka-streams-4.4.0.jar,
 * and each decode case's expected time by `TopicPartitionMetadata.decode(s).partitionTime()`.
 */
import { describe, expect, it } from 'vitest';
import { decodePartitionMetadata, encodePartitionMetadata, mergeProcessorMetadata } from '../../src/runtime/offset-metadata.ts';

const STORE = 'KSTREAM-AGGREGATE-STATE-STORE-0000000001';

describe('TopicPartitionMetadata codec (Kafka Streams 4.4 bytes)', () => {
  it('encodes a partition time with no processor metadata as Kafka does', () => {
    expect(encodePartitionMetadata(1700000000123)).toBe('AgAAAYvP5Wh7');
    expect(encodePartitionMetadata(-1)).toBe('Av//////////');
    expect(encodePartitionMetadata(0, new Map())).toBe('AgAAAAAAAAAA');
  });

  it('encodes processor metadata entries as Kafka does', () => {
    expect(encodePartitionMetadata(1700000000123, new Map([[STORE, 1699999990000n]])))
      .toBe('AgAAAYvP5Wh7AAAAAQAAAChLU1RSRUFNLUFHR1JFR0FURS1TVEFURS1TVE9SRS0wMDAwMDAwMDAxAAABi8/lQPA=');
    // Java's iteration order here was a, bé (a LinkedHashMap): ours is the Map's insertion order
    expect(encodePartitionMetadata(5, new Map([['a', -5n], ['bé', 7n]]))).toBe('AgAAAAAAAAAFAAAAAgAAAAFh//////////sAAAADYsOpAAAAAAAAAAc=');
  });

  it('decodes what Kafka encodes, processor metadata included', () => {
    expect(decodePartitionMetadata('AgAAAYvP5Wh7')).toEqual({ partitionTime: 1700000000123, processor: new Map() });
    expect(decodePartitionMetadata('Av//////////')).toEqual({ partitionTime: -1, processor: new Map() });
    expect(decodePartitionMetadata('AgAAAYvP5Wh7AAAAAQAAAChLU1RSRUFNLUFHR1JFR0FURS1TVEFURS1TVE9SRS0wMDAwMDAwMDAxAAABi8/lQPA='))
      .toEqual({ partitionTime: 1700000000123, processor: new Map([[STORE, 1699999990000n]]) });
    expect(decodePartitionMetadata('AgAAAAAAAAAFAAAAAgAAAAFh//////////sAAAADYsOpAAAAAAAAAAc='))
      .toEqual({ partitionTime: 5, processor: new Map([['a', -5n], ['bé', 7n]]) });
  });

  it('round-trips times across the int32 boundary and far ahead', () => {
    for (const t of [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 253402300799999, Number.MAX_SAFE_INTEGER]) {
      expect(decodePartitionMetadata(encodePartitionMetadata(t)).partitionTime).toBe(t);
    }
  });

  it('decodes like Kafka where Kafka gives up: unknown time and a problem to log, never a throw', () => {
    // version 1 (time only): Kafka 1699932266619
    expect(decodePartitionMetadata('AQAAAYvL2+B7')).toEqual({ partitionTime: 1699932266619, processor: new Map() });
    // unpadded base64 of 0x7e 0x8a (Java's decoder takes it too): version 126, Kafka -1
    expect(decodePartitionMetadata('foo')).toMatchObject({ partitionTime: -1, problem: expect.stringContaining('version 126') });
    // not base64 (Java's decoder throws)
    expect(decodePartitionMetadata('fooba')).toMatchObject({ partitionTime: -1, problem: 'not base64' });
    expect(decodePartitionMetadata('a plain consumer wrote this')).toMatchObject({ partitionTime: -1, problem: 'not base64' });
    // version 3: Kafka -1
    expect(decodePartitionMetadata('AwAAAYvL2+B7')).toMatchObject({ partitionTime: -1, problem: expect.stringContaining('version 3') });
    // too short for the time: Kafka -1
    expect(decodePartitionMetadata('AgAAAYvL')).toMatchObject({ partitionTime: -1, problem: expect.stringContaining('9 bytes') });
    // a time, then a cut processor metadata: Kafka keeps the time (1699932266619), drops the metadata
    expect(decodePartitionMetadata('AgAAAYvL2+B7AAAAAQ')).toMatchObject({ partitionTime: 1699932266619, processor: new Map(), problem: expect.stringContaining('processor metadata') });
    // none at all: unknown, nothing to log
    expect(decodePartitionMetadata('')).toEqual({ partitionTime: -1, processor: new Map() });
    expect(decodePartitionMetadata(null)).toEqual({ partitionTime: -1, processor: new Map() });
  });

  it('merges processor metadata as Kafka\'s ProcessorMetadata.update: new keys added, the larger value kept', () => {
    const into = new Map([['a', 5n], ['b', 9n]]);
    mergeProcessorMetadata(into, new Map([['a', 7n], ['b', 1n], ['c', 3n]]));
    expect(into).toEqual(new Map([['a', 7n], ['b', 9n], ['c', 3n]]));
  });
});
