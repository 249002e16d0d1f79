/**
 * The connection side of the Kafka backend: bootstrap addresses, connection pools (one for fetches, which
 * long-poll and would hold up everything queued behind them on a broker connection; one for group requests, which
 * may wait for a rebalance; one for the rest), a metadata cache (leaders, topic ids, partition counts),
 * coordinators, and a retry loop with backoff for retriable errors (a broker restarting, a leader moving).
 * Protocol encoding is @platformatic/kafka's (its per-request `api` functions).
 */
import { ConnectionPool, metadataV12, findCoordinatorV6, type Connection, type ConnectionOptions } from '@platformatic/kafka';

type MetadataResponse = metadataV12.MetadataResponse;
import { LogStoreError } from '../log-client/errors.ts';
import { installTaggedFieldsReader } from './tagged-fields.ts';
import { errorTree, explainAuthorization, explainConnectionFailure, isSecurityFailure } from './errors.ts';

installTaggedFieldsReader();

export interface Broker { host: string; port: number }

export interface KafkaClientOptions {
  bootstrapServers: string | string[];
  clientId?: string;
  /** TLS and SASL, passed to the connections as they are (API.md section 7's `kafka` config). */
  connection?: Pick<ConnectionOptions, 'tls' | 'ssl' | 'sasl' | 'tlsServerName'>;
  /** How long an operation keeps retrying while the cluster is unavailable (ms). Default 120000. */
  retryForMs?: number;
  onLog?: (line: string) => void;
}

export interface TopicMeta {
  name: string;
  topicId: string;
  isInternal: boolean;
  /** Leader node id per partition index. */
  leaders: number[];
}

export function parseBootstrap(servers: string | string[]): Broker[] {
  const list = (Array.isArray(servers) ? servers : servers.split(',')).map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new LogStoreError('INVALID_CONFIG', 'bootstrapServers is empty: give host:port[,host:port...]');
  return list.map((s) => {
    const i = s.lastIndexOf(':');
    const port = Number(s.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new LogStoreError('INVALID_CONFIG', `bootstrap server '${s}' is not host:port (e.g. localhost:9092)`);
    }
    return { host: s.slice(0, i), port };
  });
}

/** The protocol error name of a failed request (e.g. 'NOT_COORDINATOR'), or null for other errors. */
export function protocolErrorId(e: unknown): string | null {
  const err = e as { apiId?: string; errors?: Array<{ apiId?: string }> };
  if (err?.apiId) return err.apiId;
  if (Array.isArray(err?.errors)) for (const x of err.errors) if (x?.apiId) return x.apiId;
  return null;
}

const RETRIABLE = new Set([
  'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION', 'CONCURRENT_TRANSACTIONS', 'REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION', 'UNSTABLE_OFFSET_COMMIT',
  'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'KAFKA_STORAGE_ERROR',
  'OFFSET_NOT_AVAILABLE',
]);

export function isRetriable(e: unknown): boolean {
  // a refused login or an untrusted certificate: the same settings fail the same way
  if (isSecurityFailure(e)) return false;
  const id = protocolErrorId(e);
  if (id) return RETRIABLE.has(id);
  const code = (e as { code?: string })?.code;
  // "cannot connect to any broker" and the like: retriable when every cause is
  const inner = (e as { errors?: unknown[] })?.errors;
  if (code === 'PLT_KFK_MULTIPLE' && Array.isArray(inner) && inner.length > 0) return inner.every(isRetriable);
  return code === 'PLT_KFK_NETWORK' || code === 'PLT_KFK_TIMEOUT' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}

export function describeError(e: unknown): string {
  const id = protocolErrorId(e);
  const err = e as { message?: string; errors?: Array<{ message?: string; serverErrorMessage?: string }> };
  const detail = err?.errors?.map((x) => x.serverErrorMessage ?? x.message).filter(Boolean).join('; ');
  // the innermost cause (a TLS or socket error under "Connection to host:port failed.")
  const leaves = errorTree(e).filter((n) => !n.cause && !n.errors?.length && n.message && n !== e).map((n) => n.message);
  const cause = leaves.find((m) => m && !detail?.includes(m));
  return `${id ? `${id}: ` : ''}${err?.message ?? String(e)}${detail ? ` (${detail})` : ''}${cause ? `: ${cause}` : ''}`;
}

export class KafkaClient {
  readonly bootstrap: Broker[];
  private readonly pools: Record<'main' | 'fetch' | 'group', ConnectionPool>;
  /** Pools of their own (group members' joins), by name. */
  private readonly ownPools = new Map<string, ConnectionPool>();
  private readonly clientId: string;
  private readonly connOptions: ConnectionOptions;
  private brokers = new Map<number, Broker>();
  private topics = new Map<string, TopicMeta>();
  /** Topics this client has seen exist (a restarting broker may briefly not list them). */
  private seen = new Set<string>();
  private coordinators = new Map<string, Broker>();
  private closed = false;

  constructor(readonly opts: KafkaClientOptions) {
    this.bootstrap = parseBootstrap(opts.bootstrapServers);
    const clientId = opts.clientId ?? 'tributary';
    const conn: ConnectionOptions = { ...(opts.connection ?? {}), connectTimeout: 5000, requestTimeout: 60_000 };
    this.clientId = clientId;
    this.connOptions = conn;
    this.pools = {
      main: new ConnectionPool(clientId, conn), fetch: new ConnectionPool(clientId, conn), group: new ConnectionPool(clientId, conn),
    };
    for (const p of Object.values(this.pools)) p.on('failed', () => undefined);
  }

  get where(): string {
    return this.bootstrap.map((b) => `${b.host}:${b.port}`).join(',');
  }

  /** Runs `f` until it succeeds, retrying retriable errors with backoff (and fresh metadata) for up to retryForMs. */
  async retry<T>(what: string, f: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.opts.retryForMs ?? 120_000);
    let delay = 50;
    let logged = 0;
    for (;;) {
      try {
        return await f();
      } catch (e) {
        if (this.closed || !isRetriable(e) || Date.now() > deadline) {
          if (e instanceof LogStoreError) throw e;
          const explained = this.explain(e, what);
          if (explained) throw Object.assign(new LogStoreError('NOT_AUTHORIZED', explained), { apiId: protocolErrorId(e) ?? undefined });
          // keeps the protocol error name, so callers can tell a fenced producer or member from other failures
          throw Object.assign(new LogStoreError('REMOTE', `Kafka at ${this.where}: ${what} failed: ${describeError(e)}`), { apiId: protocolErrorId(e) ?? undefined });
        }
        const id = protocolErrorId(e);
        if (id === 'NOT_COORDINATOR' || id === 'COORDINATOR_NOT_AVAILABLE') this.coordinators.clear();
        if (id === null || id.includes('LEADER') || id === 'UNKNOWN_TOPIC_OR_PARTITION') this.topics.clear();
        if (Date.now() - logged > 5000 && id !== 'CONCURRENT_TRANSACTIONS' && id !== 'UNSTABLE_OFFSET_COMMIT') {
          logged = Date.now();
          this.opts.onLog?.(`kafka: ${what}: waiting for the cluster at ${this.where} (${describeError(e)}), retrying`);
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /** A refused permission, login or TLS handshake explained (what, where, what to check), else null. */
  explain(e: unknown, what: string): string | null {
    return explainAuthorization(e, what, this.where, this.opts.connection) ?? explainConnectionFailure(e, this.where, this.opts.connection);
  }

  /**
   * A connection of a pool: 'main', 'fetch', 'group', or any other name for a pool of its own (a group member's
   * JoinGroup/SyncGroup, which wait on the broker for up to the rebalance timeout: `requestTimeoutMs` when longer
   * than the default 60 s; release it with closePool).
   */
  connection(broker: Broker, pool = 'main', requestTimeoutMs?: number): Promise<Connection> {
    if (this.closed) return Promise.reject(new LogStoreError('CLOSED', `the Kafka client for ${this.where} is closed`));
    return this.pool(pool, requestTimeoutMs).get(broker);
  }

  private pool(name: string, requestTimeoutMs?: number): ConnectionPool {
    let p = (name === 'main' || name === 'fetch' || name === 'group') ? this.pools[name] : this.ownPools.get(name);
    if (!p) {
      p = new ConnectionPool(this.clientId, { ...this.connOptions, requestTimeout: Math.max(this.connOptions.requestTimeout ?? 0, requestTimeoutMs ?? 0) });
      p.on('failed', () => undefined);
      this.ownPools.set(name, p);
    }
    return p;
  }

  /** Closes a pool of its own (see connection). */
  async closePool(name: string): Promise<void> {
    const p = this.ownPools.get(name);
    this.ownPools.delete(name);
    await p?.close().catch(() => undefined);
  }

  /** Forgets the cached coordinator of a group (it moved, or its broker is down). */
  forgetCoordinator(groupId: string): void {
    this.coordinators.delete(`0:${groupId}`);
  }

  async any(pool: 'main' | 'fetch' | 'group' = 'main'): Promise<Connection> {
    const known = [...this.brokers.values()];
    return this.pools[pool].getFirstAvailable(known.length ? known : this.bootstrap);
  }

  /** The brokers of the cluster as the last metadata named them (the bootstrap addresses before any). */
  knownBrokers(): Broker[] {
    return this.brokers.size ? [...this.brokers.values()] : this.bootstrap;
  }

  /** Metadata of these topics (all topics when null); updates the cache. */
  async metadata(topics: string[] | null): Promise<MetadataResponse> {
    const res = await metadataV12.api.async(await this.any(), topics, false, false).catch((e: unknown) => {
      // a topic that does not exist is an answer here, not a failure
      const r = (e as { response?: MetadataResponse }).response;
      if (r && protocolErrorId(e) === 'UNKNOWN_TOPIC_OR_PARTITION') return r;
      throw e;
    });
    for (const b of res.brokers) this.brokers.set(b.nodeId, { host: b.host, port: b.port });
    for (const t of res.topics) {
      if (t.errorCode !== 0 || !t.name) continue;
      const leaders: number[] = [];
      for (const p of t.partitions) leaders[p.partitionIndex] = p.leaderId;
      this.topics.set(t.name, { name: t.name, topicId: t.topicId, isInternal: t.isInternal, leaders });
      this.seen.add(t.name);
    }
    return res;
  }

  /** The cached metadata of a topic (fetched when missing); undefined when the topic does not exist. */
  async topic(name: string): Promise<TopicMeta | undefined> {
    if (!this.topics.has(name)) await this.retry(`metadata of topic '${name}'`, () => this.metadata([name]));
    return this.topics.get(name);
  }

  async requireTopic(name: string): Promise<TopicMeta> {
    const t = await this.topic(name);
    // a topic seen before that a broker does not know right now (restarting, metadata loading): wait for it
    if (!t && this.seen.has(name)) throw Object.assign(new Error(`topic '${name}' is not in the metadata right now`), { apiId: 'UNKNOWN_TOPIC_OR_PARTITION' });
    if (!t) throw new LogStoreError('UNKNOWN_TOPIC', `topic '${name}' does not exist on the Kafka cluster at ${this.where}: create it (streams-run topics create ${name} --bootstrap ${this.where} -p <partitions>)`);
    return t;
  }

  /** Drops a topic from the cache (deleted: also from the topics known to exist). */
  forgetTopic(name: string, deleted = false): void {
    this.topics.delete(name);
    if (deleted) this.seen.delete(name);
  }

  async leader(topic: string, partition: number): Promise<Broker> {
    const t = await this.requireTopic(topic);
    if (partition < 0 || partition >= t.leaders.length) {
      throw new LogStoreError('INVALID_PARTITION', `topic '${topic}' has ${t.leaders.length} partitions; partition ${partition} does not exist`);
    }
    const b = this.brokers.get(t.leaders[partition]);
    if (!b) {
      this.topics.delete(topic);
      throw Object.assign(new Error(`no leader for ${topic}-${partition}`), { apiId: 'LEADER_NOT_AVAILABLE' });
    }
    return b;
  }

  /** The group (keyType 0) or transaction (keyType 1) coordinator of a key. */
  async coordinator(keyType: 0 | 1, key: string): Promise<Broker> {
    const k = `${keyType}:${key}`;
    const known = this.coordinators.get(k);
    if (known) return known;
    const res = await findCoordinatorV6.api.async(await this.any(), keyType, [key]);
    const c = res.coordinators[0];
    const b = { host: c.host, port: c.port };
    this.coordinators.set(k, b);
    return b;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...Object.values(this.pools), ...this.ownPools.values()].map((p) => p.close().catch(() => undefined)));
    this.ownPools.clear();
  }
}
