/**
 * A stream thread's membership in a Kafka streams group (KIP-1071): one StreamsGroupHeartbeat state machine.
 *
 * - Join: memberEpoch 0 with the topology (sub-topologies, their source, repartition and changelog topics,
 *   co-partition groups; topology epoch 0), the process id, the endpoint (applicationServer) and the rebalance
 *   timeout. The member id is ours (a UUID for the member's lifetime, as KIP-1071 wants). The broker validates
 *   the topology, creates the internal topics and assigns active and standby tasks.
 * - Heartbeats every `heartbeatIntervalMs` the broker returns, carrying the tasks the thread owns (the last
 *   `owned(...)`), and at once when that changes. A response with a new assignment that differs from what the
 *   thread owns sets `rebalanceRequested`; `poll` hands it to the thread, which closes revoked tasks and reports
 *   what it owns with `owned(...)`. The broker gives a revoked task to another member only after this member's
 *   heartbeat no longer lists it, so a task never runs on two members.
 * - Warm-up tasks (none from 4.4's sticky assignor unless streams.num.warmup.replicas is set) are treated as
 *   standby tasks: the thread keeps them warm from the changelog, and they are reported back as warm-up tasks.
 * - Local state (membership.ts MemberTasks.localOffsetSums: standbys, and task dirs an earlier run left) goes out as
 *   TaskOffsets (cumulative changelog offsets per task) with the join and whenever a poll reports other sums. A 4.4
 *   broker stores them per member and its sticky assignor counts a member reporting a task it does not own as a
 *   candidate for it (ranked by offset sum), so a restarted instance can get its tasks back. TaskEndOffsets, which
 *   4.4 uses only to promote caught-up warm-up tasks, stay null (unknown).
 * - FENCED_MEMBER_EPOCH / UNKNOWN_MEMBER_ID (session expired, a zombie): `lost`; the next `poll` rejoins with epoch 0.
 * - Group statuses (missing source topics, incorrectly partitioned topics, internal topics being created) are
 *   logged once per change.
 * - The first `poll` sets the group configs numStandbyReplicas and sessionTimeoutMs (streams.num.standby.replicas,
 *   streams.session.timeout.ms) with IncrementalAlterConfigs, as API.md section 7 wants.
 * - A heartbeat the cluster does not answer for the client's whole retry time: `lost` (the session is gone); the
 *   next `poll` keeps rejoining until the cluster is back.
 * Offset commits and TxnOffsetCommits carry `commitMetadata()`: this member id and its member epoch. Kafka 4.4
 * checks an older epoch per task (refused for a task the member no longer owns) but no task with the current
 * epoch: commit only owned tasks.
 */
import { randomUUID } from 'node:crypto';
import type { MemberTasks, OwnedTasks, StreamsMemberInfo, StreamsMembership, TaskAssignment, TaskId } from '../../log-client/membership.ts';
import { LogStoreError } from '../../log-client/errors.ts';
import type { KafkaClient } from '../client.ts';
import {
  errorName, streamsGroupHeartbeat, STREAMS_GROUP_STATUS, type Endpoint, type StreamsGroupHeartbeatRequest, type StreamsGroupHeartbeatResponse,
  type TaskOffset,
} from './codec.ts';
import { setStreamsGroupConfigs } from './support.ts';
import { fromTaskIds, heartbeatSubtopologies, hostsOf, sameTasks, sourcePartitions, toTaskIds, toTaskOffsets } from './topology.ts';

const RETRIABLE = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS']);
const FENCED = new Set(['FENCED_MEMBER_EPOCH', 'UNKNOWN_MEMBER_ID']);

interface Target { active: TaskId[]; standby: TaskId[]; warmup: Set<TaskId> }

export class StreamsGroupMember implements StreamsMembership {
  readonly memberId = randomUUID();
  private epoch = 0;
  private joined = false;
  private isLost = false;
  private closed = false;
  private fatal: LogStoreError | null = null;
  private target: Target | null = null;
  private current: OwnedTasks = { active: [], standby: [] };
  private hostList: TaskAssignment['hosts'] = [];
  private endpointEpoch = -1;
  private intervalMs = 1000;
  private status = '';
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;
  private again = false;
  private waiters: Array<() => void> = [];
  private serverErrors = 0;
  /** Since when heartbeats are refused because a classic group of this id has members. */
  private classicSince: number | null = null;
  private configured = false;
  /** The local task offset sums the thread reported last (null: none reported). */
  private local: TaskOffset[] | null = null;
  /** What of them the broker has (a key of the list; null after a join): TaskOffsets is null while unchanged. */
  private localSent: string | null = null;

  constructor(
    private readonly client: KafkaClient, readonly groupId: string, private readonly info: StreamsMemberInfo,
    private readonly onLog: (line: string) => void = () => undefined,
  ) {
    heartbeatSubtopologies(info.subtopologies); // a topology the protocol cannot carry fails here, not in a heartbeat
  }

  get rebalanceRequested(): boolean {
    return this.fatal !== null || (this.target !== null && !sameTasks(this.target, this.current));
  }

  get lost(): boolean {
    return this.isLost;
  }

  /**
   * The latest endpoint → tasks information of the group (for query routing). The broker sends it after every
   * member converged on a new assignment, so it may be newer than the `hosts` of the last `poll`.
   */
  get hosts(): TaskAssignment['hosts'] {
    return this.hostList;
  }

  /** The member epoch, as offset commits of this group must carry it. */
  get memberEpoch(): number {
    return this.epoch;
  }

  /** What OffsetCommit and TxnOffsetCommit carry for this member (generationId = the member epoch). */
  commitMetadata(): { memberId: string; generationId: number } {
    return { memberId: this.memberId, generationId: this.epoch };
  }

  /**
   * An offset commit or TxnOffsetCommit of this member was refused. A fenced or unknown member is lost (rejoin with
   * epoch 0); a stale epoch means a newer one is on its way in the next heartbeat, which the thread's poll waits for.
   */
  commitRefused(errorId: string): void {
    if (!FENCED.has(errorId) || this.isLost || this.closed) return;
    this.isLost = true;
    this.epoch = 0;
    this.onLog(`kafka: a commit of member ${this.memberId} of streams group '${this.groupId}' was refused (${errorId}): its tasks are lost; it rejoins on the next poll`);
    this.wake();
  }

  async poll(owned: MemberTasks): Promise<TaskAssignment> {
    this.current = { active: [...owned.active], standby: [...owned.standby] };
    if (owned.localOffsetSums) this.local = toTaskOffsets(owned.localOffsetSums);
    if (!this.configured) {
      // API.md section 7: under the streams protocol these two are group configs, set at start
      await setStreamsGroupConfigs(this.client, this.groupId, { numStandbyReplicas: this.info.numStandbyReplicas, sessionTimeoutMs: this.info.sessionTimeoutMs });
      this.configured = true;
    }
    for (;;) {
      if (this.closed) throw new LogStoreError('CLOSED', `member ${this.memberId} of streams group '${this.groupId}' has left the group`);
      if (this.isLost || !this.joined) {
        this.isLost = false;
        this.joined = true;
        this.epoch = 0;
        this.target = null;
        this.endpointEpoch = -1;
        this.localSent = null;
        this.beatSoon();
      }
      while (this.target === null && this.fatal === null && !this.isLost && !this.closed) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
      if (this.fatal) throw this.fatal;
      if (this.isLost) {
        await new Promise((r) => setTimeout(r, 1000)); // the join failed (cluster unreachable): again
        continue;
      }
      if (this.target) break;
    }
    const t = this.target!;
    return {
      active: [...t.active],
      standby: [...t.standby],
      hosts: this.hostList,
      partitions: sourcePartitions(this.info.subtopologies, t.active),
    };
  }

  owned(tasks: OwnedTasks): void {
    const changed = !sameTasks(tasks, this.current);
    this.current = { active: [...tasks.active], standby: [...tasks.standby] };
    if (changed && this.joined && !this.isLost) this.beatSoon(); // acknowledges revocations at once
  }

  async leave(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake();
    await this.inflight?.catch(() => undefined);
    if (!this.joined || this.isLost || this.epoch <= 0) return;
    try {
      const res = await this.send(this.request(-1));
      if (res.errorCode !== 0 && !FENCED.has(errorName(res.errorCode))) {
        this.onLog(`kafka: member ${this.memberId} leaving streams group '${this.groupId}': ${errorName(res.errorCode)} ${res.errorMessage ?? ''}`);
      }
    } catch (e) {
      this.onLog(`kafka: member ${this.memberId} could not leave streams group '${this.groupId}' (${(e as Error).message}); the broker drops it after the session timeout`);
    }
    this.epoch = -1;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** A heartbeat now (after the one in flight, if any). */
  private beatSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inflight) {
      this.again = true;
      return;
    }
    this.inflight = this.beat().finally(() => {
      this.inflight = null;
      if (this.again && !this.closed && !this.isLost && this.fatal === null) {
        this.again = false;
        this.beatSoon();
      }
    });
  }

  private schedule(ms: number): void {
    if (this.closed || this.isLost || this.fatal) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.beatSoon();
    }, ms);
    this.timer.unref();
  }

  private request(epoch: number): StreamsGroupHeartbeatRequest {
    const join = epoch === 0;
    const tasks = epoch >= 0;
    const warmup = this.target?.warmup ?? new Set<TaskId>();
    const standby = this.current.standby.filter((t) => !warmup.has(t));
    const endpoint = join && this.info.endpoint ? parseEndpoint(this.info.endpoint) : null;
    return {
      groupId: this.groupId,
      memberId: this.memberId,
      memberEpoch: epoch,
      endpointInformationEpoch: Math.max(0, this.endpointEpoch),
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: join ? this.info.rebalanceTimeoutMs : -1,
      topology: join ? { epoch: 0, subtopologies: heartbeatSubtopologies(this.info.subtopologies) } : null,
      activeTasks: tasks ? toTaskIds(this.current.active) : null,
      standbyTasks: tasks ? toTaskIds(standby) : null,
      warmupTasks: tasks ? toTaskIds(this.current.standby.filter((t) => warmup.has(t))) : null,
      processId: join ? this.info.processId : null,
      userEndpoint: endpoint,
      clientTags: join ? [] : null,
      taskOffsets: tasks && this.local && (join || offsetsKey(this.local) !== this.localSent) ? this.local : null,
      taskEndOffsets: null,
      shutdownApplication: false,
    };
  }

  private async send(req: StreamsGroupHeartbeatRequest): Promise<StreamsGroupHeartbeatResponse> {
    return this.client.retry(`heartbeat of streams group '${this.groupId}'`, async () => {
      const coordinator = await this.client.coordinator(0, this.groupId);
      const res = await streamsGroupHeartbeat.async(await this.client.connection(coordinator, 'group'), req);
      const id = res.errorCode ? errorName(res.errorCode) : null;
      // thrown so that the client's retry finds the coordinator again and backs off
      if (id && RETRIABLE.has(id)) throw Object.assign(new Error(`${id}: ${res.errorMessage ?? ''}`), { apiId: id });
      return res;
    });
  }

  private async beat(): Promise<void> {
    if (this.closed || this.isLost || this.fatal) return;
    const epoch = this.epoch;
    const req = this.request(epoch);
    let res: StreamsGroupHeartbeatResponse;
    try {
      res = await this.send(req);
    } catch (e) {
      if (this.closed) return;
      if (e instanceof LogStoreError && e.code === 'CLOSED') {
        this.fail(`member ${this.memberId} of streams group '${this.groupId}' cannot heartbeat: ${e.message}`);
        return;
      }
      // the cluster did not answer for the client's whole retry time: the session is gone, and so are the tasks
      this.isLost = true;
      this.epoch = 0;
      this.onLog(`kafka: the heartbeat of member ${this.memberId} of streams group '${this.groupId}' failed (${(e as Error).message}): ` +
        'its tasks are lost; it rejoins on the next poll');
      this.wake();
      return;
    }
    if (this.closed || this.isLost) return;
    if (res.errorCode !== 0) {
      this.onError(res);
      return;
    }
    this.epoch = res.memberEpoch;
    if (req.taskOffsets) this.localSent = offsetsKey(req.taskOffsets);
    this.serverErrors = 0;
    this.classicSince = null;
    if (res.heartbeatIntervalMs > 0) this.intervalMs = res.heartbeatIntervalMs;
    if (epoch === 0) {
      this.onLog(`kafka: thread ${this.info.threadIndex} joined streams group '${this.groupId}' as ${this.memberId} (member epoch ${res.memberEpoch}, ` +
        `heartbeat every ${this.intervalMs} ms)`);
    }
    if (res.status !== null) this.onStatus(res.status);
    if (res.activeTasks !== null || res.standbyTasks !== null || res.warmupTasks !== null) {
      const warmup = fromTaskIds(res.warmupTasks ?? []);
      const prev = this.target;
      this.target = {
        active: fromTaskIds(res.activeTasks ?? []),
        standby: [...fromTaskIds(res.standbyTasks ?? []), ...warmup],
        warmup: new Set(warmup),
      };
      if (!prev || !sameTasks(prev, this.target)) {
        this.onLog(`kafka: streams group '${this.groupId}' assigns member ${this.memberId} (epoch ${this.epoch}) active [${this.target.active.join(', ')}] ` +
          `standby [${this.target.standby.join(', ')}]`);
      }
    }
    if (res.partitionsByUserEndpoint !== null) {
      this.hostList = hostsOf(this.info.subtopologies, res.partitionsByUserEndpoint);
      this.endpointEpoch = res.endpointInformationEpoch;
    }
    if (this.target) this.wake();
    this.schedule(this.intervalMs);
  }

  private onStatus(list: Array<{ statusCode: number; statusDetail: string }>): void {
    const text = list.map((s) => `${STREAMS_GROUP_STATUS[s.statusCode] ?? `STATUS_${s.statusCode}`}: ${s.statusDetail}`).join('; ');
    if (text === this.status) return;
    this.status = text;
    this.onLog(text
      ? `kafka: streams group '${this.groupId}' status: ${text}`
      : `kafka: streams group '${this.groupId}' status: ok (no missing or incorrectly partitioned topics)`);
  }

  private onError(res: StreamsGroupHeartbeatResponse): void {
    const id = errorName(res.errorCode);
    const detail = res.errorMessage ? ` (${res.errorMessage})` : '';
    if (FENCED.has(id)) {
      this.isLost = true;
      this.epoch = 0;
      this.onLog(`kafka: member ${this.memberId} of streams group '${this.groupId}' was fenced (${id}${detail}): its tasks are lost; it rejoins on the next poll`);
      this.wake();
      return;
    }
    if (id === 'UNKNOWN_SERVER_ERROR') {
      // Kafka 4.4 answers so to a member with a user endpoint while the group's source topics are missing; it also
      // covers a coordinator's passing trouble: retried, logged once per streak
      if (!this.serverErrors++) {
        this.onLog(`kafka: the coordinator of streams group '${this.groupId}' answered member ${this.memberId}'s heartbeat with UNKNOWN_SERVER_ERROR${detail}; ` +
          'retrying every 2 s. Kafka 4.4 does so while a source topic of the topology is missing and the member has an applicationServer endpoint: ' +
          `create the source topics (${this.info.subtopologies.flatMap((s) => s.sourceTopics).join(', ')})`);
      }
      this.schedule(2000);
      return;
    }
    if (id === 'GROUP_ID_NOT_FOUND' && /not a streams group/i.test(res.errorMessage ?? '')) {
      // A classic group of this id still has members (instances running with groupProtocol 'classic', or killed
      // ones whose session has not expired yet): the broker turns an empty classic group into a streams group, so
      // wait for it to empty, for up to the session timeout and a minute.
      const now = Date.now();
      this.classicSince ??= now;
      if (now - this.classicSince < this.info.sessionTimeoutMs + 60_000) {
        if (now === this.classicSince) {
          this.onLog(`kafka: group '${this.groupId}' is a classic group with members (instances running with groupProtocol 'classic', or ` +
            'stopped ones whose session has not expired): waiting for it to empty, then it becomes a streams group. Run every instance with the same groupProtocol.');
        }
        this.schedule(2000);
        return;
      }
    }
    const hint: Record<string, string> = {
      GROUP_AUTHORIZATION_FAILED: `the principal needs READ on group '${this.groupId}'`,
      TOPIC_AUTHORIZATION_FAILED: 'the principal needs DESCRIBE (and CREATE for internal topics) on the topology\'s topics',
      CLUSTER_AUTHORIZATION_FAILED: 'the principal needs CREATE on the cluster for the broker to create internal topics',
      STREAMS_INVALID_TOPOLOGY: 'the broker refused the topology this instance sent',
      STREAMS_INVALID_TOPOLOGY_EPOCH: 'the group runs another topology epoch',
      STREAMS_TOPOLOGY_FENCED: 'the group already runs a different topology under this applicationId: stop the other instances or use a new applicationId',
      GROUP_MAX_SIZE_REACHED: 'the group has group.streams.max.size members already',
      UNSUPPORTED_VERSION: 'the broker does not speak StreamsGroupHeartbeat v0: use groupProtocol \'classic\'',
      INVALID_REQUEST: 'the broker refused the heartbeat (is the streams protocol enabled: group.coordinator.rebalance.protocols includes streams?)',
      GROUP_ID_NOT_FOUND: `the group is not a streams group or is being deleted: run every instance with the same groupProtocol, or delete the group (kafka-groups.sh --delete --group ${this.groupId}) to switch protocols`,
    };
    const topologyChanged = id === 'INVALID_REQUEST' && /topology update/i.test(res.errorMessage ?? '');
    this.fail(`the heartbeat of member ${this.memberId} of streams group '${this.groupId}' was refused: ${id}${detail}` + (topologyChanged
      ? `: the group was created with another topology (other sub-topologies or partition counts) and this broker cannot update it: stop every instance, then delete the group (kafka-streams-groups.sh --delete --group ${this.groupId}; its committed offsets go with it), or use a new applicationId, or groupProtocol 'classic'`
      : (hint[id] ? `: ${hint[id]}` : '')));
  }

  private fail(message: string): void {
    this.fatal = new LogStoreError(message.includes('AUTHORIZATION') ? 'INVALID_CONFIG' : 'REMOTE', `kafka at ${this.client.where}: ${message}`);
    this.onLog(`kafka: ${message}`);
    this.wake();
  }
}

function parseEndpoint(s: string): Endpoint {
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new LogStoreError('INVALID_CONFIG', `applicationServer '${s}' is not host:port (e.g. localhost:8080)`);
  }
  return { host: s.slice(0, i), port };
}

function offsetsKey(list: readonly TaskOffset[]): string {
  return list.map((o) => `${o.subtopologyId}_${o.partition}=${o.offset}`).join(',');
}
