import { describe, expect, it } from 'vitest';
import { produceV11, Reader } from '@platformatic/kafka';
import { installTaggedFieldsReader, skipTaggedFields } from '../../src/kafka/tagged-fields.ts';

// Bytes as a broker writes them (Produce v11 response, KIP-482 tagged fields).
const uvarint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
};
const int16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const int32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const int64 = (n: number) => [...int32(n < 0 ? -1 : 0), ...int32(n)];
const cstring = (s: string) => [...uvarint(s.length + 1), ...Buffer.from(s)];
const tagged = (fields: Array<[number, number[]]>) => [...uvarint(fields.length), ...fields.flatMap(([tag, data]) => [...uvarint(tag), ...uvarint(data.length), ...data])];

function produceResponse(errorCode: number, withLeaderTags: boolean): Buffer {
  const currentLeader = [...int32(1), ...int32(7), 0];
  const nodeEndpoints = [...uvarint(2), ...int32(1), ...cstring('broker-1.example'), ...int32(9092), 0, 0];
  return Buffer.from([
    ...uvarint(2), // one topic
    ...cstring('orders'),
    ...uvarint(2), // one partition
    ...int32(3), ...int16(errorCode), ...int64(errorCode ? -1 : 42), ...int64(-1), ...int64(0),
    ...uvarint(1), // no record errors
    0, // error message: null
    ...tagged(withLeaderTags ? [[0, currentLeader]] : []),
    ...tagged([]), // topic
    ...int32(0), // throttle
    ...tagged(withLeaderTags ? [[0, nodeEndpoints]] : []),
  ]);
}

describe('Kafka tagged fields', () => {
  it('skips every field of a tagged-field section by its size', () => {
    const r = Reader.from(Buffer.from([...tagged([[0, [1, 2, 3]], [5, new Array(200).fill(9)]]), 0x2b]));
    skipTaggedFields(r);
    expect(r.readInt8()).toBe(0x2b);
    expect(r.remaining).toBe(0);
  });

  it("parses a NOT_LEADER_OR_FOLLOWER produce response carrying CurrentLeader and NodeEndpoints (a new topic's first produce)", () => {
    installTaggedFieldsReader();
    let caught: unknown = null;
    try {
      produceV11.parseResponse(1, 0, 11, Reader.from(produceResponse(6, true)));
    } catch (e) {
      caught = e;
    }
    const res = (caught as { response?: produceV11.ProduceResponse }).response;
    expect(res?.responses[0].partitionResponses[0]).toMatchObject({ index: 3, errorCode: 6 });
    expect(res?.throttleTimeMs).toBe(0);
    expect((caught as { errors: Array<{ apiId: string }> }).errors[0].apiId).toBe('NOT_LEADER_OR_FOLLOWER');
  });

  it('parses a successful produce response with and without tagged fields', () => {
    installTaggedFieldsReader();
    for (const tags of [false, true]) {
      const res = produceV11.parseResponse(1, 0, 11, Reader.from(produceResponse(0, tags)));
      expect(res.responses[0]).toMatchObject({ name: 'orders', partitionResponses: [{ index: 3, errorCode: 0, baseOffset: 42n }] });
    }
  });
});
