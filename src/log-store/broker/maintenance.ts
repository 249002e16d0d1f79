/**
 * Background log maintenance: time and size retention on every partition, and compaction of compacted topics
 * when a segment rolled since the last run or tombstones may have expired (Kafka's log cleaner).
 */
import { compactPartition } from '../storage/cleaner.ts';
import type { PartitionLog } from '../storage/partition-log.ts';
import type { Topics } from './topics.ts';

export class Maintenance {
  private readonly compacting = new Map<PartitionLog, Promise<void>>();
  private readonly cleanedUpTo = new Map<PartitionLog, { base: number; at: number }>();

  constructor(private readonly topics: Topics, private readonly syncOnRoll: boolean, private readonly stopped: () => boolean) {}

  async run(now: number): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const t of this.topics.all()) {
      for (const p of t.parts) {
        p.applyRetention(now, this.syncOnRoll);
        if (!t.config.cleanupPolicy.includes('compact') || p.segments.length < 2 || this.compacting.has(p)) continue;
        const activeBase = p.active.baseOffset;
        const last = this.cleanedUpTo.get(p);
        if (last && last.base >= activeBase && now - last.at <= t.config.deleteRetentionMs) continue;
        const job = compactPartition(p, now, this.stopped).then(() => { this.cleanedUpTo.set(p, { base: activeBase, at: now }); })
          .finally(() => this.compacting.delete(p));
        this.compacting.set(p, job);
        jobs.push(job);
      }
    }
    await Promise.all(jobs);
  }

  /** The compaction running on `p`, if any (a topic deletion waits for it). */
  running(p: PartitionLog): Promise<void> | undefined {
    return this.compacting.get(p);
  }

  /** Waits for every running compaction (close). */
  async settle(): Promise<void> {
    await Promise.all([...this.compacting.values()].map((p) => p.catch(() => {})));
  }
}
