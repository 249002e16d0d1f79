/**
 * The fsync policy of the broker (see README "fsync policies"): what an acknowledged send survives.
 * - 'none':   written to the OS page cache before the ack. Survives a crash of this process; a machine
 *             crash or power loss can lose anything the OS had not flushed yet (typically up to ~30 s).
 * - 'batch':  group commit: the ack waits for an fdatasync that covers the write; concurrent sends are
 *             coalesced into one fdatasync per partition. Survives process and machine crashes.
 * - 'always': fdatasync of each written partition before each send/sendBatch/commit call returns, with
 *             no coalescing across calls. Survives process and machine crashes (slowest).
 * - { everyMs }: written to the page cache before the ack, fdatasync of every written partition each
 *             everyMs ms. Survives a process crash; a machine crash loses at most about everyMs of acks.
 * Under every policy a torn tail left by a crash is cut off on the next open by CRC check.
 */
import fs from 'node:fs';
import type { FsyncPolicy } from '../../log-client/types.ts';
import type { PartitionLog } from '../storage/partition-log.ts';

export class Durability {
  private flushing: Promise<void> | null = null;
  private nextFlush: Promise<void> | null = null;

  constructor(readonly policy: FsyncPolicy, private readonly partitions: () => Iterable<PartitionLog>) {}

  /** Segment rolls and metadata writes are fsynced under every policy but 'none'. */
  get syncOnRoll(): boolean {
    return this.policy !== 'none';
  }

  /** Resolves when writes to `logs` are as durable as the policy promises an ack to be. */
  async durable(logs: Iterable<PartitionLog>): Promise<void> {
    const p = this.policy;
    if (p === 'none' || typeof p === 'object') return;
    if (p === 'always') { for (const l of logs) l.sync(); return; }
    return this.groupCommit();
  }

  /** Coalesces concurrent 'batch' acks into one fdatasync round over all written partitions. */
  private groupCommit(): Promise<void> {
    if (this.nextFlush) return this.nextFlush;
    const run = async () => {
      if (this.flushing) await this.flushing.catch(() => {});
      this.nextFlush = null;
      const round = this.flushDirty();
      this.flushing = round;
      try { await round; } finally { if (this.flushing === round) this.flushing = null; }
    };
    this.nextFlush = new Promise<void>((resolve, reject) => setImmediate(() => run().then(resolve, reject)));
    return this.nextFlush;
  }

  private flushDirty(): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const p of this.partitions()) {
      if (!p.dirty) continue;
      p.dirty = false;
      const fd = p.active.fd;
      jobs.push(new Promise((res, rej) => fs.fdatasync(fd, (e) => (e ? rej(e) : res()))));
    }
    return Promise.all(jobs).then(() => undefined);
  }

  /** fdatasync of every partition ({ everyMs } policy timer). */
  syncAll(): void {
    for (const p of this.partitions()) p.sync();
  }

  /** Waits for a pending group commit (close). */
  async settle(): Promise<void> {
    if (this.nextFlush) await this.nextFlush.catch(() => {});
  }
}
