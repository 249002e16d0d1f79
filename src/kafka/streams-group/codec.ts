/**
 * Codecs of Kafka's streams group protocol (KIP-1071), written from apache/kafka's message schemas
 * (clients/src/main/resources/common/message/StreamsGroup{Heartbeat,Describe}{Request,Response}.json) as a 4.4
 * broker speaks them: StreamsGroupHeartbeat (API key 88) and StreamsGroupDescribe (89), version 0 of both (4.4's
 * v1 only adds KIP-1331's topology description push, which we do not use). Every version is flexible: compact
 * strings and arrays, a tagged-field section after each struct, and a nullable struct is an int8 (-1 null, 1
 * present) before its fields. @platformatic/kafka has the API numbers but no codecs for these.
 *
 * Parsers return the top-level error code and message instead of throwing, so the member can name errors the
 * library does not know (STREAMS_INVALID_TOPOLOGY and friends) and handle each one.
 */
import { createAPI, protocolErrorsCodesById, type Reader, Writer } from '@platformatic/kafka';

export const STREAMS_GROUP_HEARTBEAT_KEY = 88;
export const STREAMS_GROUP_DESCRIBE_KEY = 89;

export interface TaskIds { subtopologyId: string; partitions: number[] }
export interface KeyValue { key: string; value: string }
export interface TopicInfo { name: string; partitions: number; replicationFactor: number; topicConfigs: KeyValue[] }
export interface Endpoint { host: string; port: number }

export interface HeartbeatSubtopology {
  subtopologyId: string;
  sourceTopics: string[];
  sourceTopicRegex: string[];
  stateChangelogTopics: TopicInfo[];
  repartitionSinkTopics: string[];
  repartitionSourceTopics: TopicInfo[];
  /** Indexes into the sub-topology's sourceTopics, sourceTopicRegex and repartitionSourceTopics. */
  copartitionGroups: Array<{ sourceTopics: number[]; sourceTopicRegex: number[]; repartitionSourceTopics: number[] }>;
}

export interface HeartbeatTopology { epoch: number; subtopologies: HeartbeatSubtopology[] }

export interface TaskOffset { subtopologyId: string; partition: number; offset: bigint }

/** StreamsGroupHeartbeatRequest v0. Nullable fields are null when unchanged since the last heartbeat. */
export interface StreamsGroupHeartbeatRequest {
  groupId: string;
  memberId: string;
  /** 0 joins, -1 leaves, -2 a static member that will rejoin. */
  memberEpoch: number;
  endpointInformationEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  /** Only with memberEpoch 0. */
  topology: HeartbeatTopology | null;
  activeTasks: TaskIds[] | null;
  standbyTasks: TaskIds[] | null;
  warmupTasks: TaskIds[] | null;
  processId: string | null;
  userEndpoint: Endpoint | null;
  clientTags: KeyValue[] | null;
  taskOffsets: TaskOffset[] | null;
  taskEndOffsets: TaskOffset[] | null;
  shutdownApplication: boolean;
}

export interface GroupStatus { statusCode: number; statusDetail: string }

export interface EndpointToPartitions {
  userEndpoint: Endpoint;
  activePartitions: Array<{ topic: string; partitions: number[] }>;
  standbyPartitions: Array<{ topic: string; partitions: number[] }>;
}

/** StreamsGroupHeartbeatResponse v0. Nullable fields are null when unchanged since the last heartbeat. */
export interface StreamsGroupHeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  acceptableRecoveryLag: number;
  taskOffsetIntervalMs: number;
  status: GroupStatus[] | null;
  activeTasks: TaskIds[] | null;
  standbyTasks: TaskIds[] | null;
  warmupTasks: TaskIds[] | null;
  endpointInformationEpoch: number;
  partitionsByUserEndpoint: EndpointToPartitions[] | null;
}

/** The status codes of StreamsGroupHeartbeatResponse.Status, by code. */
export const STREAMS_GROUP_STATUS: Record<number, string> = {
  0: 'STALE_TOPOLOGY',
  1: 'MISSING_SOURCE_TOPICS',
  2: 'INCORRECTLY_PARTITIONED_TOPICS',
  3: 'MISSING_INTERNAL_TOPICS',
  4: 'SHUTDOWN_APPLICATION',
};

/** Error codes newer than @platformatic/kafka's table (apache/kafka's Errors). */
const NEWER_ERRORS: Record<number, string> = {
  130: 'STREAMS_INVALID_TOPOLOGY',
  131: 'STREAMS_INVALID_TOPOLOGY_EPOCH',
  132: 'STREAMS_TOPOLOGY_FENCED',
  134: 'GROUP_DELETION_FAILED',
  135: 'STREAMS_TOPOLOGY_DESCRIPTION_UPDATE_FAILED',
};

/** The protocol name of an error code ('FENCED_MEMBER_EPOCH'), or 'ERROR_<code>' for a code we do not know. */
export function errorName(code: number): string {
  return NEWER_ERRORS[code] ?? (protocolErrorsCodesById as Record<number, string>)[code] ?? `ERROR_${code}`;
}

// --- writing ---

const writeKeyValue = (w: Writer, kv: KeyValue): void => {
  w.appendString(kv.key).appendString(kv.value);
};

const writeTopicInfo = (w: Writer, t: TopicInfo): void => {
  w.appendString(t.name).appendInt32(t.partitions).appendInt16(t.replicationFactor).appendArray(t.topicConfigs, writeKeyValue);
};

const writeTaskIds = (w: Writer, t: TaskIds): void => {
  w.appendString(t.subtopologyId).appendArray(t.partitions, (w2, p) => w2.appendInt32(p), true, false);
};

const writeTaskOffset = (w: Writer, t: TaskOffset): void => {
  w.appendString(t.subtopologyId).appendInt32(t.partition).appendInt64(t.offset);
};

const int16s = (w: Writer, n: number): void => void w.appendInt16(n);
const strings = (w: Writer, s: string): void => void w.appendString(s);

function writeSubtopology(w: Writer, s: HeartbeatSubtopology): void {
  w.appendString(s.subtopologyId)
    .appendArray(s.sourceTopics, strings, true, false)
    .appendArray(s.sourceTopicRegex, strings, true, false)
    .appendArray(s.stateChangelogTopics, writeTopicInfo)
    .appendArray(s.repartitionSinkTopics, strings, true, false)
    .appendArray(s.repartitionSourceTopics, writeTopicInfo)
    .appendArray(s.copartitionGroups, (w2, g) => {
      w2.appendArray(g.sourceTopics, int16s, true, false)
        .appendArray(g.sourceTopicRegex, int16s, true, false)
        .appendArray(g.repartitionSourceTopics, int16s, true, false);
    });
}

/** A nullable struct: int8 -1 when null, else 1, the fields and the struct's tagged fields. */
function appendNullableStruct<T>(w: Writer, value: T | null, write: (w: Writer, v: T) => void): void {
  if (value === null) {
    w.appendInt8(-1);
    return;
  }
  w.appendInt8(1);
  write(w, value);
  w.appendTaggedFields();
}

export function createHeartbeatRequest(r: StreamsGroupHeartbeatRequest): Writer {
  const w = Writer.create()
    .appendString(r.groupId)
    .appendString(r.memberId)
    .appendInt32(r.memberEpoch)
    .appendInt32(r.endpointInformationEpoch)
    .appendString(r.instanceId)
    .appendString(r.rackId)
    .appendInt32(r.rebalanceTimeoutMs);
  appendNullableStruct(w, r.topology, (w2, t) => {
    w2.appendInt32(t.epoch).appendArray(t.subtopologies, writeSubtopology);
  });
  w.appendArray(r.activeTasks, writeTaskIds)
    .appendArray(r.standbyTasks, writeTaskIds)
    .appendArray(r.warmupTasks, writeTaskIds)
    .appendString(r.processId);
  appendNullableStruct(w, r.userEndpoint, (w2, e) => {
    w2.appendString(e.host).appendUnsignedInt16(e.port);
  });
  return w.appendArray(r.clientTags, writeKeyValue)
    .appendArray(r.taskOffsets, writeTaskOffset)
    .appendArray(r.taskEndOffsets, writeTaskOffset)
    .appendBoolean(r.shutdownApplication)
    .appendTaggedFields();
}

// --- reading ---

const readInt32s = (r: Reader): number[] => r.readArray((r2) => r2.readInt32(), true, false);
const readStrings = (r: Reader): string[] => r.readArray((r2) => r2.readString(), true, false);
const readTaskIds = (r: Reader): TaskIds => ({ subtopologyId: r.readString(), partitions: readInt32s(r) });
const readKeyValue = (r: Reader): KeyValue => ({ key: r.readString(), value: r.readString() });
const readTopicInfo = (r: Reader): TopicInfo => ({
  name: r.readString(), partitions: r.readInt32(), replicationFactor: r.readInt16(), topicConfigs: r.readArray(readKeyValue),
});
const readTaskOffset = (r: Reader): TaskOffset => ({ subtopologyId: r.readString(), partition: r.readInt32(), offset: r.readInt64() });

/** A (non-nullable) struct field: its fields, then its tagged fields. */
function readStruct<T>(r: Reader, read: (r: Reader) => T): T {
  const v = read(r);
  r.readTaggedFields();
  return v;
}

const readEndpoint = (r: Reader): Endpoint => readStruct(r, (r2) => ({ host: r2.readString(), port: r2.readUnsignedInt16() }));
const readTopicPartitions = (r: Reader): { topic: string; partitions: number[] } => ({ topic: r.readString(), partitions: readInt32s(r) });

export function parseHeartbeatResponse(_correlationId: number, _apiKey: number, _apiVersion: number, r: Reader): StreamsGroupHeartbeatResponse {
  const res: StreamsGroupHeartbeatResponse = {
    throttleTimeMs: r.readInt32(),
    errorCode: r.readInt16(),
    errorMessage: r.readNullableString(),
    memberId: r.readString(),
    memberEpoch: r.readInt32(),
    heartbeatIntervalMs: r.readInt32(),
    acceptableRecoveryLag: r.readInt32(),
    taskOffsetIntervalMs: r.readInt32(),
    status: r.readNullableArray((r2) => ({ statusCode: r2.readInt8(), statusDetail: r2.readString() })),
    activeTasks: r.readNullableArray(readTaskIds),
    standbyTasks: r.readNullableArray(readTaskIds),
    warmupTasks: r.readNullableArray(readTaskIds),
    endpointInformationEpoch: r.readInt32(),
    partitionsByUserEndpoint: r.readNullableArray((r2) => ({
      userEndpoint: readEndpoint(r2),
      activePartitions: r2.readArray(readTopicPartitions),
      standbyPartitions: r2.readArray(readTopicPartitions),
    })),
  };
  r.readTaggedFields();
  return res;
}

export const streamsGroupHeartbeat = createAPI<[StreamsGroupHeartbeatRequest], StreamsGroupHeartbeatResponse>(
  STREAMS_GROUP_HEARTBEAT_KEY, 0, createHeartbeatRequest, parseHeartbeatResponse,
);

// --- StreamsGroupDescribe ---

export interface DescribedAssignment { activeTasks: TaskIds[]; standbyTasks: TaskIds[]; warmupTasks: TaskIds[] }

export interface DescribedMember {
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  topologyEpoch: number;
  processId: string;
  userEndpoint: Endpoint | null;
  clientTags: KeyValue[];
  taskOffsets: TaskOffset[];
  taskEndOffsets: TaskOffset[];
  assignment: DescribedAssignment;
  targetAssignment: DescribedAssignment;
  isClassic: boolean;
}

export interface DescribedSubtopology {
  subtopologyId: string;
  sourceTopics: string[];
  repartitionSinkTopics: string[];
  stateChangelogTopics: TopicInfo[];
  repartitionSourceTopics: TopicInfo[];
}

export interface DescribedGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  topology: { epoch: number; subtopologies: DescribedSubtopology[] | null } | null;
  members: DescribedMember[];
  authorizedOperations: number;
}

export interface StreamsGroupDescribeResponse { throttleTimeMs: number; groups: DescribedGroup[] }

export function createDescribeRequest(groupIds: string[], includeAuthorizedOperations: boolean): Writer {
  return Writer.create().appendArray(groupIds, strings, true, false).appendBoolean(includeAuthorizedOperations).appendTaggedFields();
}

const readAssignment = (r: Reader): DescribedAssignment => readStruct(r, (r2) => ({
  activeTasks: r2.readArray(readTaskIds), standbyTasks: r2.readArray(readTaskIds), warmupTasks: r2.readArray(readTaskIds),
}));

function readMember(r: Reader): DescribedMember {
  return {
    memberId: r.readString(),
    memberEpoch: r.readInt32(),
    instanceId: r.readNullableString(),
    rackId: r.readNullableString(),
    clientId: r.readString(),
    clientHost: r.readString(),
    topologyEpoch: r.readInt32(),
    processId: r.readString(),
    userEndpoint: r.readNullableStruct(() => readEndpoint(r)),
    clientTags: r.readArray(readKeyValue),
    taskOffsets: r.readArray(readTaskOffset),
    taskEndOffsets: r.readArray(readTaskOffset),
    assignment: readAssignment(r),
    targetAssignment: readAssignment(r),
    isClassic: r.readBoolean(),
  };
}

function readGroup(r: Reader): DescribedGroup {
  return {
    errorCode: r.readInt16(),
    errorMessage: r.readNullableString(),
    groupId: r.readString(),
    groupState: r.readString(),
    groupEpoch: r.readInt32(),
    assignmentEpoch: r.readInt32(),
    topology: r.readNullableStruct(() => readStruct(r, (r2) => ({
      epoch: r2.readInt32(),
      subtopologies: r2.readNullableArray((r3) => ({
        subtopologyId: r3.readString(),
        sourceTopics: readStrings(r3),
        repartitionSinkTopics: readStrings(r3),
        stateChangelogTopics: r3.readArray(readTopicInfo),
        repartitionSourceTopics: r3.readArray(readTopicInfo),
      })),
    }))),
    members: r.readArray(readMember),
    authorizedOperations: r.readInt32(),
  };
}

export function parseDescribeResponse(_correlationId: number, _apiKey: number, _apiVersion: number, r: Reader): StreamsGroupDescribeResponse {
  const res = { throttleTimeMs: r.readInt32(), groups: r.readArray(readGroup) };
  r.readTaggedFields();
  return res;
}

export const streamsGroupDescribe = createAPI<[groupIds: string[], includeAuthorizedOperations: boolean], StreamsGroupDescribeResponse>(
  STREAMS_GROUP_DESCRIBE_KEY, 0, createDescribeRequest, parseDescribeResponse,
);
