/**
 * A test-only group over the built-in log: each member gets its own LogClient whose backend is the LogStore's,
 * plus `streamsMembership` (membership.ts). The test sets a target assignment per member; the group hands a task
 * to its new owner only once its previous owner reported (owned) that it let it go, as Kafka's streams protocol
 * reconciles. `lose(member)` fences a member: its commits are refused (FENCED) until it polls again.
 */
import { LogClient, backendOf } from '../../src/log-client/client.ts';
import type { LogBackend } from '../../src/log-client/backend.ts';
import { LogStoreError } from '../../src/log-client/errors.ts';
import type { MemberTasks, OwnedTasks, StreamsMemberInfo, StreamsMembership, TaskAssignment } from '../../src/log-client/membership.ts';

export class FakeMember implements StreamsMembership {
  rebalanceRequested = false;
  lost = false;
  fenced = false;
  left = false;
  polls = 0;
  ownedNow: OwnedTasks = { active: [], standby: [] };
  /** What the thread reported with each poll (owned tasks and local state), in order. */
  readonly polled: MemberTasks[] = [];
  constructor(readonly memberId: string, readonly info: StreamsMemberInfo, private readonly group: FakeGroup) {}

  poll(owned: MemberTasks): Promise<TaskAssignment> {
    this.polls++;
    this.polled.push(owned);
    this.ownedNow = { active: [...owned.active], standby: [...owned.standby] };
    this.lost = false;
    this.fenced = false;
    this.rebalanceRequested = false;
    return Promise.resolve(this.group.allowed(this));
  }

  owned(tasks: OwnedTasks): void {
    this.ownedNow = { active: [...tasks.active], standby: [...tasks.standby] };
    this.group.kick();
  }

  leave(): Promise<void> {
    this.left = true;
    this.ownedNow = { active: [], standby: [] };
    this.group.kick();
    return Promise.resolve();
  }
}

export class FakeGroup {
  readonly members = new Map<string, FakeMember>();
  private readonly target = new Map<string, OwnedTasks>();
  /** What each member was last handed (a rebalance is requested when that would change). */
  private readonly handed = new Map<string, string>();

  /** A LogClient for one member (its name is its member id), sharing `store`'s log. */
  client(store: LogClient, name: string): LogClient {
    const base = backendOf(store);
    const member = (): FakeMember | undefined => this.members.get(name);
    const refuse = (what: string) => {
      throw new LogStoreError('FENCED', `${what} of member ${name} refused: the group fenced it (test group)`);
    };
    const extra: Partial<LogBackend> = {
      streamsMembership: (_groupId, info) => {
        const m = new FakeMember(name, info, this);
        this.members.set(name, m);
        return m;
      },
      commitOffsets: (groupId, offsets) => {
        if (member()?.fenced) refuse('an offset commit');
        return base.commitOffsets(groupId, offsets);
      },
      endTransaction: (txn, commit, offsets) => {
        if (commit && member()?.fenced) refuse('a transaction commit');
        return base.endTransaction(txn, commit, offsets);
      },
      // the store is the test's to close
      close: () => Promise.resolve(),
    };
    const wrapper = new Proxy(base, {
      get(target, prop) {
        if (prop in extra) return extra[prop as keyof LogBackend];
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
      has: (target, prop) => prop in extra || prop in target,
    });
    return new LogClient(wrapper, `test group member ${name}`);
  }

  /** The assignment the test wants; members whose share changes are asked to rebalance. */
  assign(target: Record<string, Partial<OwnedTasks>>): void {
    for (const [name, t] of Object.entries(target)) this.target.set(name, { active: t.active ?? [], standby: t.standby ?? [] });
    this.kick();
  }

  /**
   * The member's session expired: its tasks are free for others, its commits are refused until it rejoins. A
   * zombie (a paused process) is not told: it learns from its next commit being refused.
   */
  lose(name: string, zombie = false): void {
    const m = this.members.get(name)!;
    m.lost = !zombie;
    m.fenced = true;
    m.ownedNow = { active: [], standby: m.ownedNow.standby };
    this.kick();
  }

  /** The member's target, less active tasks another live member still owns (revoked first, then assigned). */
  allowed(m: FakeMember): TaskAssignment {
    const t = this.target.get(m.memberId) ?? { active: [], standby: [] };
    const elsewhere = new Set<string>();
    for (const o of this.members.values()) if (o !== m && !o.left) for (const id of o.ownedNow.active) elsewhere.add(id);
    const a: TaskAssignment = { active: t.active.filter((id) => !elsewhere.has(id)), standby: [...t.standby], hosts: [], partitions: [] };
    this.handed.set(m.memberId, JSON.stringify([a.active, a.standby]));
    return a;
  }

  kick(): void {
    for (const m of this.members.values()) {
      if (m.left || m.lost || m.fenced) continue;
      const t = this.target.get(m.memberId) ?? { active: [], standby: [] };
      const elsewhere = new Set<string>();
      for (const o of this.members.values()) if (o !== m && !o.left) for (const id of o.ownedNow.active) elsewhere.add(id);
      const next = JSON.stringify([t.active.filter((id) => !elsewhere.has(id)), t.standby]);
      if (next !== this.handed.get(m.memberId)) m.rebalanceRequested = true;
    }
  }
}
