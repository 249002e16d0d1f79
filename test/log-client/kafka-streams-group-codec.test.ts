import { describe, expect, it } from 'vitest';
import { Reader } from '@platformatic/kafka';
import {
  createDescribeRequest, createHeartbeatRequest, errorName, parseDescribeResponse, parseHeartbeatResponse, type StreamsGroupHeartbeatRequest,
} from '../../src/kafka/streams-group/codec.ts';
import { parseApiVersions, streamsGroupSupport } from '../../src/kafka/streams-group/support.ts';
import { fromTaskIds, heartbeatSubtopologies, hostsOf, sourcePartitions, toTaskIds } from '../../src/kafka/streams-group/topology.ts';
import { installTaggedFieldsReader } from '../../src/kafka/tagged-fields.ts';
import type { SubtopologyInfo } from '../../src/log-client/membership.ts';

installTaggedFieldsReader();

// Reference bytes: Kafka 4.4's own serializer (kafka-clients 4.4.0, MessageUtil.toByteBufferAccessor(data, 0)) of
// the same StreamsGroupHeartbeatRequestData / ResponseData as built below.
const JAVA_REQUEST = '04617070046d2d31000000000000000000000000753001000000000302300203696e0102106170702d732d6368616e67656c6f67000000000000020f636c65616e75702e706f6c69637908636f6d70616374000002126170702d722d7265706172746974696f6e01020200000101000002310101010102126170702d722d7265706172746974696f6e000000040000020f636c65616e75702e706f6c6963790764656c657465000001000002023003000000010000000300010104702d31010268fde8000100000000';
const JAVA_RESPONSE = '00000000000000046d2d3100000007000001f4000027100000ea6002011e536f7572636520746f7069637320696e20617265206d697373696e672e00020231030000000000000002000100000000030202681f900002126170702d722d7265706172746974696f6e03000000000000000200010000';

// Hand-built bytes (compact encodings, KIP-482 tagged fields)
const uvarint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
};
const int16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const int32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const cstring = (s: string) => [...uvarint(Buffer.byteLength(s) + 1), ...Buffer.from(s)];
const carray = (items: number[][]) => [...uvarint(items.length + 1), ...items.flat()];
const tagged = (fields: Array<[number, number[]]>) => [...uvarint(fields.length), ...fields.flatMap(([tag, data]) => [...uvarint(tag), ...uvarint(data.length), ...data])];

describe('StreamsGroupHeartbeat codec (v0)', () => {
  const request: StreamsGroupHeartbeatRequest = {
    groupId: 'app', memberId: 'm-1', memberEpoch: 0, endpointInformationEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
    topology: {
      epoch: 0,
      subtopologies: [
        {
          subtopologyId: '0', sourceTopics: ['in'], sourceTopicRegex: [],
          stateChangelogTopics: [{ name: 'app-s-changelog', partitions: 0, replicationFactor: 0, topicConfigs: [{ key: 'cleanup.policy', value: 'compact' }] }],
          repartitionSinkTopics: ['app-r-repartition'], repartitionSourceTopics: [],
          copartitionGroups: [{ sourceTopics: [0], sourceTopicRegex: [], repartitionSourceTopics: [] }],
        },
        {
          subtopologyId: '1', sourceTopics: [], sourceTopicRegex: [], stateChangelogTopics: [], repartitionSinkTopics: [],
          repartitionSourceTopics: [{ name: 'app-r-repartition', partitions: 4, replicationFactor: 0, topicConfigs: [{ key: 'cleanup.policy', value: 'delete' }] }],
          copartitionGroups: [],
        },
      ],
    },
    activeTasks: [{ subtopologyId: '0', partitions: [1, 3] }], standbyTasks: [], warmupTasks: [],
    processId: 'p-1', userEndpoint: { host: 'h', port: 65000 }, clientTags: [], taskOffsets: null, taskEndOffsets: null, shutdownApplication: false,
  };

  it('encodes a join request byte for byte as Kafka 4.4 does', () => {
    expect(createHeartbeatRequest(request).buffer.toString('hex')).toBe(JAVA_REQUEST);
  });

  it('encodes a later heartbeat: no topology (int8 -1), null task lists and endpoint', () => {
    const bytes = createHeartbeatRequest({ ...request, memberEpoch: 5, topology: null, activeTasks: null, standbyTasks: null, warmupTasks: null, processId: null, userEndpoint: null, clientTags: null });
    expect([...bytes.buffer]).toEqual([
      ...cstring('app'), ...cstring('m-1'), ...int32(5), ...int32(0), 0, 0, ...int32(30000),
      0xff, // topology: null struct
      0, 0, 0, // active, standby, warmup: null arrays
      0, // process id: null
      0xff, // user endpoint: null struct
      0, 0, 0, // client tags, task offsets, task end offsets: null
      0, // shutdown
      0, // tagged fields
    ]);
  });

  it("parses Kafka 4.4's bytes of a response", () => {
    const res = parseHeartbeatResponse(1, 88, 0, Reader.from(Buffer.from(JAVA_RESPONSE, 'hex')));
    expect(res).toEqual({
      throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: 'm-1', memberEpoch: 7, heartbeatIntervalMs: 500, acceptableRecoveryLag: 10000,
      taskOffsetIntervalMs: 60000, status: [{ statusCode: 1, statusDetail: 'Source topics in are missing.' }],
      activeTasks: [{ subtopologyId: '1', partitions: [0, 2] }], standbyTasks: [], warmupTasks: null, endpointInformationEpoch: 3,
      partitionsByUserEndpoint: [{ userEndpoint: { host: 'h', port: 8080 }, activePartitions: [{ topic: 'app-r-repartition', partitions: [0, 2] }], standbyPartitions: [] }],
    });
  });

  it('parses a hand-built error response with unknown tagged fields', () => {
    const bytes = Buffer.from([
      ...int32(0), ...int16(110), ...cstring('The member epoch is fenced'), ...cstring('m-2'), ...int32(-1), ...int32(0), ...int32(0), ...int32(0),
      0, 0, 0, 0, // status, active, standby, warmup: null
      ...int32(0),
      0, // endpoints: null
      ...tagged([[7, [1, 2, 3]]]),
    ]);
    const r = Reader.from(bytes);
    const res = parseHeartbeatResponse(1, 88, 0, r);
    expect(res).toMatchObject({ errorCode: 110, errorMessage: 'The member epoch is fenced', memberId: 'm-2', activeTasks: null, partitionsByUserEndpoint: null });
    expect(r.remaining).toBe(0);
    expect(errorName(res.errorCode)).toBe('FENCED_MEMBER_EPOCH');
    expect(errorName(132)).toBe('STREAMS_TOPOLOGY_FENCED');
  });
});

describe('StreamsGroupDescribe codec (v0)', () => {
  it('encodes the request and parses a hand-built response', () => {
    expect([...createDescribeRequest(['g'], false).buffer]).toEqual([...carray([cstring('g')]), 0, 0]);
    const tasks = (sub: string, parts: number[]) => carray([[...cstring(sub), ...carray(parts.map(int32)), 0]]);
    const assignment = [...tasks('0', [0, 1]), ...carray([]), ...carray([]), 0];
    const member = [
      ...cstring('m-1'), ...int32(3), 0, 0, ...cstring('client'), ...cstring('/127.0.0.1'), ...int32(0), ...cstring('p-1'),
      1, ...cstring('h'), ...int16(8080), 0, // user endpoint
      ...carray([]), ...carray([]), ...carray([]), ...assignment, ...assignment, 0, // is classic
      0,
    ];
    const group = [
      ...int16(0), 0, ...cstring('g'), ...cstring('Stable'), ...int32(3), ...int32(3),
      1, ...int32(0), ...carray([[...cstring('0'), ...carray([cstring('in')]), ...carray([]), ...carray([]), ...carray([]), 0]]), 0, // topology
      ...carray([member]), ...int32(-2147483648), 0,
    ];
    const r = Reader.from(Buffer.from([...int32(0), ...carray([group]), 0]));
    const res = parseDescribeResponse(1, 89, 0, r);
    expect(r.remaining).toBe(0);
    expect(res.groups[0]).toMatchObject({ groupId: 'g', groupState: 'Stable', groupEpoch: 3, topology: { epoch: 0, subtopologies: [{ subtopologyId: '0', sourceTopics: ['in'] }] } });
    expect(res.groups[0].members[0]).toMatchObject({
      memberId: 'm-1', memberEpoch: 3, processId: 'p-1', userEndpoint: { host: 'h', port: 8080 },
      assignment: { activeTasks: [{ subtopologyId: '0', partitions: [0, 1] }], standbyTasks: [], warmupTasks: [] }, isClassic: false,
    });
  });
});

describe('ApiVersions: the streams protocol enabled', () => {
  const response = (keys: number[][], features: Array<[string, number]>) => Buffer.from([
    ...int16(0), ...carray(keys.map(([k, min, max]) => [...int16(k), ...int16(min), ...int16(max), 0])), ...int32(0),
    ...tagged([[1, [0, 0, 0, 0, 0, 0, 0, 9]], [2, carray(features.map(([n, lvl]) => [...cstring(n), ...int16(lvl), ...int16(1), 0]))]]),
  ]);

  it('needs API key 88 and the finalized feature streams.version >= 1', () => {
    const parse = (b: Buffer) => streamsGroupSupport(parseApiVersions(1, 18, 3, Reader.from(b)));
    expect(parse(response([[18, 0, 4], [88, 0, 1]], [['streams.version', 1], ['group.version', 1]])).supported).toBe(true);
    expect(parse(response([[18, 0, 4]], [['streams.version', 1]])).reason).toMatch(/API key 88/);
    expect(parse(response([[18, 0, 4], [88, 0, 1]], [['group.version', 1]])).reason).toMatch(/streams.version is not enabled/);
  });
});

describe('topology and task translations', () => {
  const subs: SubtopologyInfo[] = [
    { id: '0', partitions: 2, sourceTopics: ['left', 'right'], repartitionSourceTopics: [], repartitionSinkTopics: ['r'], stateChangelogTopics: ['c0'], copartitionGroups: [['left', 'right']] },
    { id: '1', partitions: 2, sourceTopics: [], repartitionSourceTopics: [{ name: 'r', partitions: 2 }], repartitionSinkTopics: [], stateChangelogTopics: [], copartitionGroups: [] },
  ];

  it('maps co-partition groups to indexes, task ids both ways, source partitions and hosts', () => {
    expect(heartbeatSubtopologies(subs)[0].copartitionGroups).toEqual([{ sourceTopics: [0, 1], sourceTopicRegex: [], repartitionSourceTopics: [] }]);
    expect(() => heartbeatSubtopologies([{ ...subs[0], copartitionGroups: [['left', 'nope']] }])).toThrow(/nope/);
    expect(toTaskIds(['1_1', '0_1', '1_0'])).toEqual([{ subtopologyId: '0', partitions: [1] }, { subtopologyId: '1', partitions: [0, 1] }]);
    expect(fromTaskIds([{ subtopologyId: '1', partitions: [1, 0] }, { subtopologyId: '0', partitions: [1] }])).toEqual(['0_1', '1_0', '1_1']);
    expect(sourcePartitions(subs, ['0_1', '1_0'])).toEqual([{ topic: 'left', partition: 1 }, { topic: 'right', partition: 1 }, { topic: 'r', partition: 0 }]);
    expect(() => sourcePartitions(subs, ['7_0'])).toThrow(/same topology/);
    expect(hostsOf(subs, [{ userEndpoint: { host: 'a', port: 1 }, activePartitions: [{ topic: 'left', partitions: [0] }, { topic: 'r', partitions: [1] }], standbyPartitions: [{ topic: 'c0', partitions: [1] }] }]))
      .toEqual([{ endpoint: 'a:1', active: ['0_0', '1_1'], standby: [] }]);
  });
});
