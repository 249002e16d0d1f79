/**
 * Consumer-group membership for subscribe(): members of a group share the partitions of the topics
 * they subscribe to (Kafka's range assignor, per topic, members sorted by id). The assignment is
 * recomputed on every call, so joins, leaves and new matching topics take effect at the next poll.
 */
import type { Subscription, TopicPartition } from '../../log-client/types.ts';
import { matching } from '../../log-client/subscription.ts';

export type { Subscription };
export { matching };

export class GroupCoordinator {
  private groups = new Map<string, Map<string, Subscription>>();

  join(groupId: string, memberId: string, sub: Subscription): void {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new Map()));
    g.set(memberId, sub);
  }

  leave(groupId: string, memberId: string): void {
    const g = this.groups.get(groupId);
    if (!g) return;
    g.delete(memberId);
    if (g.size === 0) this.groups.delete(groupId);
  }

  activeGroups(): string[] {
    return [...this.groups.keys()];
  }

  members(groupId: string): number {
    return this.groups.get(groupId)?.size ?? 0;
  }

  assignment(groupId: string, memberId: string, topics: readonly string[], partitionsOf: (t: string) => number): TopicPartition[] {
    const g = this.groups.get(groupId);
    const me = g?.get(memberId);
    if (!g || !me) return [];
    const out: TopicPartition[] = [];
    for (const topic of matching(me, topics)) {
      const members = [...g.entries()].filter(([, s]) => matching(s, [topic]).length > 0).map(([id]) => id).sort();
      const n = partitionsOf(topic);
      const idx = members.indexOf(memberId);
      const per = Math.floor(n / members.length), extra = n % members.length;
      const start = idx * per + Math.min(idx, extra);
      const len = per + (idx < extra ? 1 : 0);
      for (let p = start; p < start + len; p++) out.push({ topic, partition: p });
    }
    return out;
  }
}

