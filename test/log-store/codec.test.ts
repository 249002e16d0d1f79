import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/record-format/crc32c.ts';
import { murmur2, partitionForKey } from '../../src/log-client/murmur2.ts';
import { checkBatch, decodeRecords, encodeBatch, readHeader, type DecodedRecord } from '../../src/record-format/record-batch.ts';
import { validateTopicName } from '../../src/log-store/broker/topic-name.ts';

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
  });
});

describe('murmur2', () => {
  // vectors of Kafka's UtilsTest.testMurmur2
  const cases: [string, number][] = [
    ['21', -973932308], ['foobar', -790332482], ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829], ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971], ['abc', 479470107],
  ];
  it.each(cases)('murmur2(%s) = %d', (k, h) => expect(murmur2(Buffer.from(k))).toBe(h));
  it('partitions like Java: (h & 0x7fffffff) % n', () => {
    expect(partitionForKey(Buffer.from('foobar'), 7)).toBe((-790332482 & 0x7fffffff) % 7);
  });
});

describe('RecordBatch v2', () => {
  it('round-trips keys, values, nulls, headers, timestamps and offsets', () => {
    const buf = encodeBatch([
      { key: 'k', value: 'v', timestamp: 1000, headers: { a: 'x', b: new Uint8Array([1, 2]) } },
      { key: null, value: null, timestamp: 900 },
      { key: new Uint8Array(300).fill(7), value: 'ü'.repeat(100), timestamp: 2 ** 41 },
    ], 42, 5);
    expect(checkBatch(buf, 0)).toBeNull();
    const h = readHeader(buf, 0);
    expect(h).toMatchObject({ baseOffset: 42, magic: 2, lastOffsetDelta: 2, recordCount: 3, baseTimestamp: 900, maxTimestamp: 2 ** 41, size: buf.length });
    const out: DecodedRecord[] = [];
    decodeRecords(buf, 0, h, (r) => out.push(r));
    expect(out.map((r) => r.offset)).toEqual([42, 43, 44]);
    expect(Buffer.from(out[0].key!).toString()).toBe('k');
    expect(Buffer.from(out[0].headers.b)).toEqual(Buffer.from([1, 2]));
    expect(out[1].key).toBeNull();
    expect(out[1].value).toBeNull();
    expect(out[1].timestamp).toBe(900);
    expect(Buffer.from(out[2].value!).toString()).toBe('ü'.repeat(100));
    expect(out[2].timestamp).toBe(2 ** 41);
  });
  it('detects a flipped bit by CRC', () => {
    const buf = encodeBatch([{ key: 'k', value: 'value' }], 0, 1);
    buf[buf.length - 3] ^= 1;
    expect(checkBatch(buf, 0)).toMatch(/CRC32C mismatch/);
  });
});

describe('topic names', () => {
  it.each(['a', 'orders.v1', 'A_b-9', 'x'.repeat(249)])('accepts %s', (n) => expect(() => validateTopicName(n)).not.toThrow());
  it.each(['', '.', '..', 'a/b', '../etc', 'a b', 'ü', 'x'.repeat(250)])('refuses %j', (n) => expect(() => validateTopicName(n)).toThrow(/invalid topic name/));
});
