/**
 * Whether a cluster speaks the streams group protocol (API.md section 7's default groupProtocol), and the group
 * configs the streams protocol takes from the group rather than from the member (numStandbyReplicas,
 * sessionTimeoutMs), set with IncrementalAlterConfigs on the GROUP resource.
 *
 * Support: every broker lists StreamsGroupHeartbeat (API key 88) in ApiVersions, and the finalized feature
 * `streams.version` is at least 1 (a 4.2+ cluster enables it by default; an upgraded one after
 * `kafka-features.sh upgrade --feature streams.version=1`). A broker whose `group.coordinator.rebalance.protocols`
 * leaves out `streams` rejects the first heartbeat instead (the member names that error).
 */
import { createAPI, incrementalAlterConfigsV1, type Reader, Writer } from '@platformatic/kafka';
import { LogStoreError } from '../../log-client/errors.ts';
import { describeError, protocolErrorId, type KafkaClient } from '../client.ts';
import { errorName, STREAMS_GROUP_HEARTBEAT_KEY } from './codec.ts';

export interface ApiVersionsInfo {
  errorCode: number;
  apiKeys: Array<{ apiKey: number; minVersion: number; maxVersion: number }>;
  /** Finalized feature levels (tagged field 2 of the response): name → max version level. */
  finalizedFeatures: Map<string, number>;
}

/** ApiVersions v3 response, with its tagged fields read (the library's parser skips the finalized features). */
export function parseApiVersions(_c: number, _k: number, _v: number, r: Reader): ApiVersionsInfo {
  const errorCode = r.readInt16();
  const apiKeys = r.readArray((r2) => ({ apiKey: r2.readInt16(), minVersion: r2.readInt16(), maxVersion: r2.readInt16() }));
  r.readInt32(); // throttle
  const finalizedFeatures = new Map<string, number>();
  const count = r.readUnsignedVarInt();
  for (let i = 0; i < count; i++) {
    const tag = r.readUnsignedVarInt();
    const size = r.readUnsignedVarInt();
    const end = r.position + size;
    if (tag === 2) {
      r.readArray((r2) => {
        const name = r2.readString();
        const max = r2.readInt16();
        r2.readInt16(); // min version level
        finalizedFeatures.set(name, max);
      });
    }
    r.position = end;
  }
  return { errorCode, apiKeys, finalizedFeatures };
}

// ApiVersions responses have no tagged fields in their header, whatever the version
const apiVersionsV3 = createAPI<[name: string, version: string], ApiVersionsInfo>(18, 3,
  (name: string, version: string) => Writer.create().appendString(name).appendString(version).appendTaggedFields(), parseApiVersions, true, false);

/** The streams protocol's version to use with these ApiVersions (-1: none). We speak v0. */
export function streamsGroupSupport(info: ApiVersionsInfo): { supported: boolean; reason: string } {
  const api = info.apiKeys.find((a) => a.apiKey === STREAMS_GROUP_HEARTBEAT_KEY);
  if (!api) return { supported: false, reason: 'the broker does not list StreamsGroupHeartbeat (API key 88) in ApiVersions (Kafka < 4.1)' };
  if (api.minVersion > 0) return { supported: false, reason: `the broker needs StreamsGroupHeartbeat v${api.minVersion}+, we speak v0` };
  const level = info.finalizedFeatures.get('streams.version') ?? 0;
  if (level < 1) return { supported: false, reason: 'the feature streams.version is not enabled (kafka-features.sh upgrade --feature streams.version=1)' };
  return { supported: true, reason: `StreamsGroupHeartbeat v${api.minVersion}-${api.maxVersion}, streams.version ${level}` };
}

/** Asks every known broker (bootstrap list and metadata) for its ApiVersions. */
export async function streamsGroupSupportOf(client: KafkaClient): Promise<{ supported: boolean; reason: string }> {
  const meta = await client.retry('metadata (brokers)', () => client.metadata([]));
  const brokers = meta.brokers.length ? meta.brokers.map((b) => ({ host: b.host, port: b.port })) : client.bootstrap;
  for (const b of brokers) {
    const info = await client.retry(`ApiVersions of ${b.host}:${b.port}`, async () => apiVersionsV3.async(await client.connection(b), 'tributary', '0'));
    if (info.errorCode !== 0) return { supported: false, reason: `ApiVersions of ${b.host}:${b.port} failed: ${errorName(info.errorCode)}` };
    const s = streamsGroupSupport(info);
    if (!s.supported) return { supported: false, reason: `broker ${b.host}:${b.port}: ${s.reason}` };
  }
  return { supported: true, reason: `every broker (${brokers.length}) supports the streams group protocol` };
}

/** True when every broker supports Kafka's streams group protocol (KIP-1071). */
export async function supportsStreamsGroups(client: KafkaClient): Promise<boolean> {
  return (await streamsGroupSupportOf(client)).supported;
}

/** Kafka's GroupConfig names (apache/kafka GroupConfig.STREAMS_*). */
export const STREAMS_GROUP_CONFIGS = {
  sessionTimeoutMs: 'streams.session.timeout.ms',
  heartbeatIntervalMs: 'streams.heartbeat.interval.ms',
  numStandbyReplicas: 'streams.num.standby.replicas',
} as const;

const RESOURCE_GROUP = 32;
const OP_SET = 0 as const;

/**
 * Sets the streams group configs of `groupId` (API.md section 7: numStandbyReplicas and sessionTimeoutMs are group
 * configs under the streams protocol). A refusal names the missing ACL, or the broker's bound that was crossed.
 */
export async function setStreamsGroupConfigs(
  client: KafkaClient, groupId: string, configs: { numStandbyReplicas?: number; sessionTimeoutMs?: number; heartbeatIntervalMs?: number },
): Promise<void> {
  const entries = Object.entries(configs).filter(([, v]) => v !== undefined) as Array<[keyof typeof STREAMS_GROUP_CONFIGS, number]>;
  if (!entries.length) return;
  const list = entries.map(([k, v]) => ({ name: STREAMS_GROUP_CONFIGS[k], configOperation: OP_SET, value: String(v) }));
  const what = list.map((c) => `${c.name}=${c.value}`).join(', ');
  try {
    await client.retry(`set the configs of group '${groupId}' (${what})`, async () =>
      incrementalAlterConfigsV1.api.async(await client.any(), [{ resourceType: RESOURCE_GROUP, resourceName: groupId, configs: list }], false));
  } catch (e) {
    const id = protocolErrorId(e);
    if (id === 'GROUP_AUTHORIZATION_FAILED' || id === 'CLUSTER_AUTHORIZATION_FAILED') {
      throw new LogStoreError('INVALID_CONFIG', `Kafka at ${client.where} refused to set ${what} on group '${groupId}' (${id}): the principal needs the ` +
        `ALTER_CONFIGS permission on the group resource '${groupId}' (kafka-acls.sh --add --allow-principal User:<app> --operation AlterConfigs --group ${groupId}), ` +
        'or set numStandbyReplicas and sessionTimeoutMs on the group yourself with kafka-configs.sh --entity-type groups');
    }
    if (id === 'INVALID_CONFIG' || id === 'INVALID_REQUEST') {
      throw new LogStoreError('INVALID_CONFIG', `Kafka at ${client.where} refused ${what} for group '${groupId}': ${describeError(e)}. The broker bounds ` +
        'them with group.streams.min/max.session.timeout.ms and group.streams.max.standby.replicas');
    }
    throw e;
  }
}
