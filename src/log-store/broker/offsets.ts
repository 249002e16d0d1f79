/** Committed group offsets, kept in the compacted `__consumer_offsets` topic (Kafka's key and value layouts). */
import type { CommittedOffset, OffsetAndPartition, PartitionLag, TopicPartition } from '../../log-client/types.ts';
import type { PartitionLog } from '../storage/partition-log.ts';
import type { RecordIn } from '../../record-format/record-batch.ts';
import { OFFSETS_TOPIC, decodeOffsetKey, decodeOffsetValue, offsetKey, offsetValue } from './internal-topics.ts';
import { readAll, type Topics } from './topics.ts';

export const MAX_BATCH_RECORDS = 1000;

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, CommittedOffset>>();

  constructor(private readonly topics: Topics, private readonly now: () => number, private readonly syncOnRoll: boolean) {}

  /** Rebuilds the committed offsets from the topic (open). */
  replay(): void {
    readAll(this.topics.internal(OFFSETS_TOPIC), (r) => {
      if (!r.key) return;
      const k = decodeOffsetKey(r.key);
      if (!k) return;
      let g = this.byGroup.get(k.group);
      if (!g) this.byGroup.set(k.group, (g = new Map()));
      if (r.value) g.set(tpKey(k.topic, k.partition), decodeOffsetValue(r.value));
      else g.delete(tpKey(k.topic, k.partition));
    });
  }

  /** Appends the offsets (not yet durable) and returns the log written, for the caller's durability wait. */
  append(groupId: string, offsets: OffsetAndPartition[]): PartitionLog {
    const now = this.now();
    const log = this.topics.internal(OFFSETS_TOPIC);
    let g = this.byGroup.get(groupId);
    if (!g) this.byGroup.set(groupId, (g = new Map()));
    const recs: RecordIn[] = offsets.map((o) => ({ key: offsetKey(groupId, o), value: offsetValue(o.offset, o.metadata, now), timestamp: now }));
    for (let s = 0; s < recs.length; s += MAX_BATCH_RECORDS) log.append(recs.slice(s, s + MAX_BATCH_RECORDS), now, {}, this.syncOnRoll);
    for (const o of offsets) g.set(tpKey(o.topic, o.partition), { offset: o.offset, metadata: o.metadata || null });
    return log;
  }

  committed(groupId: string, tps: TopicPartition[]): (CommittedOffset | null)[] {
    const g = this.byGroup.get(groupId);
    return tps.map((tp) => g?.get(tpKey(tp.topic, tp.partition)) ?? null);
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  lag(groupId: string): PartitionLag[] {
    const g = this.byGroup.get(groupId) ?? new Map<string, CommittedOffset>();
    const out: PartitionLag[] = [];
    for (const [k, { offset: committed }] of g) {
      const [topic, ps] = k.split('\u0000');
      const p = this.topics.find(topic)?.parts[Number(ps)];
      if (!p) continue;
      out.push({ topic, partition: Number(ps), committedOffset: committed, endOffset: p.endOffset, lag: Math.max(0, p.endOffset - committed) });
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }
}
