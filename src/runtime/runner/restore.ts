/**
 * Restores a task's stores from their changelog topics before the task processes anything: from the
 * checkpointed offset (or from the start when there is none) to the end, in batches, without logging again.
 * Progress (records, records/s, ETA) goes to a callback when the restore starts, about every second, and when
 * it ends: the CLI shows it, metrics keep the latest per changelog partition.
 */
import { readEach, type LogClient } from '../../log-client/client.ts';
import type { StoreHandle } from '../stores/stores.ts';
import type { Isolation } from '../../log-client/types.ts';

export interface RestoreProgress {
  store: string;
  topic: string;
  partition: number;
  /** First changelog offset replayed (the checkpoint, or the start of the topic). */
  from: number;
  restored: number;
  total: number;
  recordsPerSec: number;
  /** Remaining time at the rate measured so far; -1 while unknown (before a second of progress), 0 when done. */
  etaMs: number;
  done: boolean;
}

/** How long an active task's restore waits for a transaction that holds its changelog's last stable offset. */
export const OPEN_TRANSACTION_WAIT_MS = 120_000;

/**
 * `waitForEnd` (an active task under exactly_once): a read_committed read that stops short of the end because a
 * transaction is still open (a producer that died mid-transaction: the broker aborts it after its transaction
 * timeout) waits for it instead of stopping there. Records committed after that transaction (by the owner that
 * took over from the dead one) are past the last stable offset until then; a restore that stopped at it would
 * miss them while the committed input offsets include them, and the task would count those inputs twice.
 * Standbys (tailing) never wait: they read on later.
 */
export async function restoreStore(
  log: LogClient, handle: StoreHandle, topic: string, partition: number, from: number, isolation: Isolation,
  onProgress?: (p: RestoreProgress) => void, waitForEnd?: { onWait: (message: string) => void }, maxRecords = Number.POSITIVE_INFINITY,
): Promise<number> {
  const restore = handle.internal.restore;
  if (!restore) throw new Error(`store '${handle.spec.name}' cannot be restored from its changelog (no restore method).`);
  const { start, end } = await log.offsets({ topic, partition });
  let offset = Math.max(from, start);
  const first = offset;
  const total = Math.max(0, end - offset);
  const began = Date.now();
  let restored = 0;
  let lastReport = began;
  const report = (done: boolean) => {
    const now = Date.now();
    lastReport = now;
    const rate = restored / Math.max(0.001, (now - began) / 1000);
    onProgress?.({
      store: handle.spec.name, topic, partition, from: first, restored, total, recordsPerSec: Math.round(rate),
      etaMs: done ? 0 : now - began < 1000 || restored === 0 ? -1 : Math.round(((total - restored) / rate) * 1000), done,
    });
  };
  if (total > 0) report(false);
  handle.internal.bulkRestore?.(true);
  const apply = (_offset: number, timestamp: number, key: Uint8Array | null, value: Uint8Array | null): void => {
    if (key !== null) restore.call(handle.internal, key, value, timestamp);
  };
  let waitingSince = 0;
  while (offset < end && restored < maxRecords) {
    const { count, next } = await readEach(log, { topic, partition }, offset, 20_000, isolation, apply);
    restored += count;
    if (next <= offset) {
      if (!waitForEnd) break;
      const now = Date.now();
      if (waitingSince === 0) {
        waitingSince = now;
        waitForEnd.onWait(`restore of ${handle.spec.name} (${topic}-${partition}) waits at offset ${offset} of ${end} for a transaction still open there (a producer that stopped mid-transaction; the broker aborts it after its transaction timeout)`);
      } else if (now - waitingSince > OPEN_TRANSACTION_WAIT_MS) {
        throw new Error(`restore of ${handle.spec.name} (${topic}-${partition}): a transaction has held offset ${offset} (end ${end}) open for ${OPEN_TRANSACTION_WAIT_MS / 1000} s; check the broker's transaction timeouts (transaction.abort.timed.out.transaction.cleanup.interval.ms) and hanging transactions (kafka-transactions.sh find-hanging).`);
      }
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    offset = next;
    if (Date.now() - lastReport > 1000) report(false);
  }
  handle.internal.bulkRestore?.(false);
  await handle.internal.flush();
  report(true);
  // Where the restore got: the end, or short of it when a read stopped early (under read_committed, at a
  // transaction still open), so a standby tailing the changelog goes on from there.
  return Math.min(offset, end);
}
