/** KStream.process / processValues: runs a user Processor with a ProcessorContext (API.md section 3). */
import type { ProcessorContext } from '../api/processor.ts';
import type { StreamRecord } from '../api/records.ts';
import { toMillis } from '../api/records.ts';
import type { Factory, MaybePromise } from './types.ts';

export const processNode: Factory<'process'> = (node, ctx) => {
  const { supplier, fixedKey } = node.params;
  const user = supplier();
  if (!user || typeof user.process !== 'function') {
    throw new Error(`${node.name}: the processor supplier must return a new object with process(record) (and optional init/close).`);
  }
  const allowed = new Set(node.stores);
  let currentKey: unknown;
  const pctx: ProcessorContext<unknown, unknown> = {
    applicationId: ctx.task.applicationId,
    taskId: ctx.task.taskId,
    forward(record: StreamRecord<unknown, unknown>, childName?: string): MaybePromise {
      if (fixedKey && record.key !== currentKey) {
        throw new Error(`${node.name}: processValues() may not change the key; use process() to re-key.`);
      }
      if (childName !== undefined && !ctx.childNames().includes(childName)) {
        throw new Error(`${node.name}: forward to unknown child '${childName}'; children are [${ctx.childNames().join(', ')}].`);
      }
      return ctx.forward({ key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers }, childName);
    },
    getStateStore<S>(name: string): S {
      if (!allowed.has(name)) {
        throw new Error(`${node.name}: store '${name}' is not connected to this processor; pass it in process(supplier, { stores: ['${name}'] }).`);
      }
      return ctx.task.getPublicStore<S>(name, node.name);
    },
    schedule: (interval, type, cb) => {
      if (type !== 'stream-time' && type !== 'wall-clock') throw new Error(`${node.name}: schedule type must be 'stream-time' or 'wall-clock'.`);
      const ms = toMillis(interval, 'schedule interval');
      if (ms < 1) throw new Error(`${node.name}: schedule interval must be at least 1 ms.`);
      return ctx.task.schedule(ms, type, cb);
    },
    recordMetadata: () => ctx.task.recordMetadata(),
    currentStreamTimeMs: () => ctx.task.streamTime(),
    currentSystemTimeMs: () => ctx.task.wallClockTime(),
  };
  return {
    init: () => user.init?.(pctx),
    process(r) {
      currentKey = r.key;
      return user.process({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers });
    },
    close: () => user.close?.(),
  };
};
