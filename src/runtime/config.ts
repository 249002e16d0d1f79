/** Streams config (API.md section 6): camelCase of Kafka's keys, with Kafka's defaults. */
import type { Serde } from '../api/serde.ts';
import type { StreamRecord } from '../api/records.ts';
import { serdes } from '../serdes/index.ts';
import type { DroppedRecord } from '../processors/types.ts';

export interface HttpOptions {
  /** Default 127.0.0.1; a non-loopback host requires httpAuthToken. */
  host?: string;
  /** 0 picks a free port (see RunningApp.httpUrl). */
  port: number;
}

export type ExceptionHandlerConfig = 'fail' | 'continue' | { deadLetterTopic: string };

export interface StreamsConfig {
  applicationId?: string;
  processingGuarantee?: 'at_least_once' | 'exactly_once';
  commitIntervalMs?: number;
  numStreamThreads?: number;
  cacheMaxBytes?: number;
  stateDir?: string;
  defaultKeySerde?: Serde<unknown>;
  defaultValueSerde?: Serde<unknown>;
  timestampExtractor?: (record: StreamRecord<unknown, unknown>, partitionTime: number) => number;
  deserializationExceptionHandler?: ExceptionHandlerConfig;
  processingExceptionHandler?: ExceptionHandlerConfig;
  productionExceptionHandler?: ExceptionHandlerConfig;
  onDroppedRecord?: (e: DroppedRecord) => void;
  droppedRecordsTopic?: string;
  /** Serve HTTP queries, /metrics and the live page (API.md section 8). */
  http?: HttpOptions;
  /** Required for a non-loopback http host: clients send `Authorization: Bearer <token>`. */
  httpAuthToken?: string;
  // ---- on Kafka (API.md section 7) ----
  /** Run on a Kafka cluster instead of the built-in log: `host:port[,host:port...]` or a list. */
  bootstrapServers?: string | string[];
  clientId?: string;
  kafka?: KafkaSettings;
  /** Replication factor of the internal topics the app creates (-1: the broker's default). */
  replicationFactor?: number;
  /** `host:port` of this instance's HTTP server, for routing interactive queries between instances. */
  applicationServer?: string;
  numStandbyReplicas?: number;
  sessionTimeoutMs?: number;
  groupProtocol?: 'classic' | 'streams';
}

/** TLS and SASL for the Kafka connections. */
export interface KafkaSettings {
  /** TLS options (Node's tls.connect), or true for TLS with the system's CAs. */
  ssl?: import('node:tls').ConnectionOptions | true;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/** Every key of StreamsConfig (a key missing here fails tsc): what `--config` and start() accept. */
const CONFIG_KEYS = [
  'applicationId', 'processingGuarantee', 'commitIntervalMs', 'numStreamThreads', 'cacheMaxBytes', 'stateDir',
  'defaultKeySerde', 'defaultValueSerde', 'timestampExtractor', 'deserializationExceptionHandler',
  'processingExceptionHandler', 'productionExceptionHandler', 'onDroppedRecord', 'droppedRecordsTopic', 'http', 'httpAuthToken',
  'bootstrapServers', 'clientId', 'kafka', 'replicationFactor', 'applicationServer', 'numStandbyReplicas', 'sessionTimeoutMs',
  'groupProtocol',
] as const satisfies readonly (keyof StreamsConfig)[];
type MissingKeys = Exclude<keyof StreamsConfig, (typeof CONFIG_KEYS)[number]>;
const allKeys: MissingKeys extends never ? true : never = true;
export const STREAMS_CONFIG_KEYS: readonly string[] = allKeys && CONFIG_KEYS;

/** The known key closest to `key` (edit distance up to 3), for "did you mean". */
function closest(key: string, keys: readonly string[]): string | undefined {
  const d = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  };
  let best: string | undefined;
  let bestD = 4;
  for (const k of keys) {
    const x = d(key, k);
    if (x < bestD) [best, bestD] = [k, x];
  }
  return best;
}

/**
 * Rejects keys that are not StreamsConfig keys (a typo would otherwise be ignored silently): `where` names the
 * source (e.g. '--config', 'app.start()'); `extra` are further keys that source accepts.
 */
export function checkConfigKeys(c: object, where: string, extra: readonly string[] = []): void {
  const known = [...STREAMS_CONFIG_KEYS, ...extra];
  for (const key of Object.keys(c)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw new Error(`${where}: unknown config key '${key}'${near ? ` (did you mean '${near}'?)` : ''}; the keys are: ${STREAMS_CONFIG_KEYS.join(', ')}.`);
  }
}

export interface ResolvedConfig {
  applicationId: string;
  processingGuarantee: 'at_least_once' | 'exactly_once';
  commitIntervalMs: number;
  numStreamThreads: number;
  cacheMaxBytes: number;
  stateDir?: string;
  defaultKeySerde: Serde<unknown>;
  defaultValueSerde: Serde<unknown>;
  timestampExtractor?: StreamsConfig['timestampExtractor'];
  deserializationExceptionHandler: ExceptionHandlerConfig;
  processingExceptionHandler: ExceptionHandlerConfig;
  productionExceptionHandler: ExceptionHandlerConfig;
  onDroppedRecord?: (e: DroppedRecord) => void;
  droppedRecordsTopic?: string;
  /** Scale-out on a log that spreads tasks (Kafka, API.md section 7): what a stream thread tells its group. */
  applicationServer: string | null;
  numStandbyReplicas: number;
  sessionTimeoutMs: number;
  /**
   * The group protocol asked for, or null when unset: the log's backend then picks (API.md section 7: 'streams'
   * when every broker supports it, else 'classic'); the runtime uses 'classic' until a backend reports support.
   */
  groupProtocol: 'classic' | 'streams' | null;
}

function checkHandler(v: unknown, key: string): ExceptionHandlerConfig {
  if (v === undefined) return 'fail';
  if (v === 'fail' || v === 'continue') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { deadLetterTopic?: unknown }).deadLetterTopic === 'string') return v as { deadLetterTopic: string };
  throw new Error(`config ${key} must be 'fail', 'continue' or { deadLetterTopic: '<topic>' }, got ${JSON.stringify(v)}.`);
}

export function resolveConfig(applicationId: string, c: StreamsConfig = {}): ResolvedConfig {
  const guarantee = c.processingGuarantee ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once') {
    throw new Error(`config processingGuarantee must be 'at_least_once' or 'exactly_once', got '${String(guarantee)}'.`);
  }
  const num = (v: unknown, key: string, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new Error(`config ${key} must be a non-negative number, got ${JSON.stringify(v)}.`);
    return n;
  };
  return {
    applicationId,
    processingGuarantee: guarantee,
    commitIntervalMs: num(c.commitIntervalMs, 'commitIntervalMs', guarantee === 'exactly_once' ? 100 : 30_000),
    numStreamThreads: Math.max(1, Math.floor(num(c.numStreamThreads, 'numStreamThreads', 1))),
    cacheMaxBytes: num(c.cacheMaxBytes, 'cacheMaxBytes', 10 * 1024 * 1024),
    stateDir: c.stateDir,
    defaultKeySerde: c.defaultKeySerde ?? (serdes.json() as Serde<unknown>),
    defaultValueSerde: c.defaultValueSerde ?? (serdes.json() as Serde<unknown>),
    timestampExtractor: c.timestampExtractor,
    deserializationExceptionHandler: checkHandler(c.deserializationExceptionHandler, 'deserializationExceptionHandler'),
    processingExceptionHandler: checkHandler(c.processingExceptionHandler, 'processingExceptionHandler'),
    productionExceptionHandler: checkHandler(c.productionExceptionHandler, 'productionExceptionHandler'),
    onDroppedRecord: c.onDroppedRecord,
    droppedRecordsTopic: c.droppedRecordsTopic,
    applicationServer: checkServer(c.applicationServer),
    numStandbyReplicas: Math.floor(num(c.numStandbyReplicas, 'numStandbyReplicas', 0)),
    sessionTimeoutMs: num(c.sessionTimeoutMs, 'sessionTimeoutMs', 45_000),
    groupProtocol: checkProtocol(c.groupProtocol),
  };
}

function checkServer(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && /^[^\s:]+:\d+$/.test(v)) return v;
  throw new Error(`config applicationServer must be 'host:port' (this instance's HTTP server, for query routing), got ${JSON.stringify(v)}.`);
}

function checkProtocol(v: unknown): 'classic' | 'streams' | null {
  if (v === undefined || v === null) return null;
  if (v === 'classic' || v === 'streams') return v;
  throw new Error(`config groupProtocol must be 'classic' or 'streams', got ${JSON.stringify(v)}.`);
}
