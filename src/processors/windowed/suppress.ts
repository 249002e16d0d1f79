/**
 * KTable.suppress (Kafka's KTableSuppressProcessor): every change goes into the buffer under its buffer time
 * (untilWindowCloses: the window end; untilTimeLimit: the record timestamp); records whose buffer time is at or
 * below observed stream time - suppress duration (the upstream grace, or the time limit) leave the buffer in
 * (time, key) order. A full buffer emits its oldest records early or stops the application. Only stream time
 * counts: the wall clock never emits. Tombstones are dropped for final results (nothing was emitted for them).
 */
import type { Headers } from '../../api/records.ts';
import type { Factory, MaybePromise, Rec } from '../types.ts';
import { forwardAll } from '../types.ts';
import type { BufferedRecord, SuppressBufferStore } from '../../state/suppress-buffer.ts';

type Buffer = SuppressBufferStore<unknown, unknown>;

export const suppress: Factory<'suppress'> = (node, ctx) => {
  const { storeName, bufferTime, suppressDurationMs, maxRecords, maxBytes, onFull, safeToDropTombstones } = node.params;
  let buffer!: Buffer;
  let observed = -1;
  let out: Rec[] = [];

  const overCapacity = () => buffer.numRecords() > maxRecords || buffer.bufferSize() > maxBytes;
  const emit = (r: BufferedRecord<unknown, unknown>) => {
    if (r.value === null && safeToDropTombstones) return;
    out.push({ key: r.key, value: r.value, oldValue: r.oldValue, timestamp: r.timestamp, headers: r.headers as Headers | undefined });
  };

  return {
    init() {
      buffer = ctx.task.getStore<Buffer>(storeName, node.name);
    },
    process(r): MaybePromise {
      if (r.timestamp > observed) observed = r.timestamp;
      const time = bufferTime === 'windowEnd' ? (r.key as { window: { end: number } }).window.end : r.timestamp;
      buffer.put(time, { key: r.key, value: r.value ?? null, oldValue: r.oldValue ?? null, timestamp: r.timestamp, headers: r.headers });
      const expiry = observed - suppressDurationMs;
      buffer.evictWhile(() => buffer.minTimestamp() <= expiry, emit);
      if (overCapacity()) {
        if (onFull === 'EMIT_EARLY') {
          buffer.evictWhile(overCapacity, emit);
        } else {
          throw new Error(
            `${node.name}: suppress buffer exceeded its max capacity. Currently [${buffer.numRecords()}/${maxRecords}] records and ` +
            `[${buffer.bufferSize()}/${maxBytes}] bytes. The buffer was configured with shutDownWhenFull(); give it more room ` +
            '(BufferConfig.maxRecords / maxBytes) or use emitEarlyWhenFull() where early results are acceptable.',
          );
        }
      }
      if (out.length === 0) return;
      const recs = out;
      out = [];
      return forwardAll(ctx, recs);
    },
  };
};
