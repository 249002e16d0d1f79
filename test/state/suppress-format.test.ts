/**
 * The suppress buffer's changelog value in Kafka Streams' format V3: bytes that Kafka Streams 4.4 wrote (captured from
 * test/kafka/interchange.test.ts's Java run) decode to their parts and encode back to the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { decodeBufferV3, encodeBufferV3, V3_HEADERS } from '../../src/state/suppress-format.ts';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const long = (n: number): Uint8Array => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(n)); return b; };

// windowed count of key k0: context (timestamp, offset 16, topic ix-events, partition 1, no headers), prior 0, old 1, new 2,
// buffer time (the window end)
const kafkaChanged = hex(`000001a23e11b200 0000000000000010 00000009 69782d6576656e7473 00000001 00000000
  00000008 0000000000000000 00000008 0000000000000001 00000008 0000000000000002 000001a23e11be80`);
// a key's first buffering: the old value equals the prior value, written as -2
const kafkaFirst = hex(`000001a23e120d68 000000000000001c 00000009 69782d6576656e7473 00000000 00000000
  00000008 0000000000000000 fffffffe 00000008 0000000000000001 000001a23e1233b0`);

describe('suppress buffer changelog format V3', () => {
  it('decodes what Kafka Streams wrote and encodes it back byte for byte', () => {
    const d = decodeBufferV3(kafkaChanged, 'test');
    expect(d.context).toEqual({ timestamp: 0x1a23e11b200, offset: 16, topic: 'ix-events', partition: 1, headers: undefined });
    expect([d.prior, d.old, d.value]).toEqual([long(0), long(1), long(2)]);
    expect(d.time).toBe(0x1a23e11be80);
    expect(encodeBufferV3(d.context, d.prior, d.old, d.value, d.time)).toEqual(kafkaChanged);
    const f = decodeBufferV3(kafkaFirst, 'test');
    expect(f.old).toBe(f.prior);
    expect(f.value).toEqual(long(1));
    expect(encodeBufferV3(f.context, f.prior, f.old, f.value, f.time)).toEqual(kafkaFirst);
  });

  it('carries headers, null values and an old value equal to the prior; the changelog header is v = 3', () => {
    const ctx = { timestamp: 5, offset: 7, topic: 't', partition: 2, headers: { a: 'x', b: Uint8Array.of(1, 2) } };
    const bytes = encodeBufferV3(ctx, null, null, Uint8Array.of(9), 11);
    const d = decodeBufferV3(bytes, 'test');
    expect(d.context).toEqual({ ...ctx, headers: { a: Uint8Array.of(0x78), b: Uint8Array.of(1, 2) } });
    expect([d.prior, d.old, d.value, d.time]).toEqual([null, null, Uint8Array.of(9), 11]);
    const equal = encodeBufferV3(ctx, Uint8Array.of(4), Uint8Array.of(4), null, 1);
    // ... old (-2: the prior's), new (null: -1), buffer time
    expect(new DataView(equal.buffer).getInt32(equal.length - 16)).toBe(-2);
    expect(decodeBufferV3(equal, 'test').old).toEqual(Uint8Array.of(4));
    expect(V3_HEADERS).toEqual({ v: Uint8Array.of(3) });
  });

  it('names the buffer and what to do when a value is not in format V3 (an older Tributary\'s layout)', () => {
    expect(() => decodeBufferV3(Uint8Array.of(0, 0, 0, 1), "suppress buffer 'supp'")).toThrow(/suppress buffer 'supp': .*not in Kafka's suppress-buffer format V3.*delete/);
  });
});
