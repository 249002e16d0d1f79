/**
 * Kafka's GlobalStreamThread, run inside the stream thread's loop: the global task owns the global stores, is
 * bootstrapped from every partition of the global topics to their end before any task runs, then keeps up with
 * what arrives (each poll batch processed, then flushed).
 */
import path from 'node:path';
import type { Headers } from '../../api/records.ts';
import type { LogClient } from '../../log-client/client.ts';
import type { Consumer } from '../../log-client/consumer.ts';
import type { ConsumerRecord, Isolation, TopicPartition } from '../../log-client/types.ts';
import type { CacheBudget } from '../../state/types.ts';
import type { Topology } from '../../topology/topology.ts';
import type { ResolvedConfig } from '../config.ts';
import { createStoresFor, type StoreFactoryOptions, type StoreHandle } from '../stores/stores.ts';
import { Task } from '../task.ts';

export class GlobalThread {
  private consumer: Consumer | null = null;

  private constructor(private readonly task: Task, readonly stores: Map<string, StoreHandle>) {}

  /** The global task of a topology with global tables (stores created, not yet bootstrapped), or null. */
  static create(topology: Topology, config: ResolvedConfig, stateDir: string, opts: StoreFactoryOptions, cacheBudget: CacheBudget, log?: (l: string) => void): GlobalThread | null {
    const nodes = new Set(topology.subtopologies.filter((s) => s.global).flatMap((s) => s.nodes));
    if (!nodes.size) return null;
    const stores = createStoresFor(topology, nodes, true, opts);
    const task = new Task({
      topology, nodes, taskId: 'global', partition: 0, config, stores,
      taskDir: path.join(stateDir, config.applicationId, 'global'),
      output: { send: () => undefined }, wallClock: Date.now, log, cacheBudget,
    });
    return new GlobalThread(task, stores);
  }

  /** Loads every global topic to its end (awaiting only what an async processor returns), then follows it. */
  async bootstrap(log: LogClient, topics: readonly string[], isolation: Isolation): Promise<void> {
    await this.task.init();
    const tps: TopicPartition[] = [];
    for (const t of topics) {
      const d = await log.admin.describeTopic(t);
      for (const p of d.partitions) tps.push({ topic: t, partition: p.partition });
    }
    const ends = await log.endOffsets(tps);
    for (const [i, tp] of tps.entries()) {
      let offset = 0;
      while (offset < ends[i]) {
        const { records, next } = await log.read(tp, offset, 20_000, { isolation });
        await this.process(records);
        if (next <= offset) break;
        offset = next;
      }
      await this.task.flush();
    }
    this.consumer = log.consumer({ isolation });
    this.consumer.assign(tps);
    await this.consumer.seekToEnd(tps);
  }

  /** Processes what arrived on the global topics since the last call. */
  async poll(): Promise<void> {
    if (!this.consumer) return;
    const records = await this.consumer.poll({ timeoutMs: 0, maxRecords: 5000 });
    if (!records.length) return;
    await this.process(records);
    await this.task.flush();
  }

  private async process(records: ConsumerRecord[]): Promise<void> {
    for (const r of records) {
      const p = this.task.processRaw(r.topic, r.partition, r.offset, r.key, r.value, r.timestamp, toHeaders(r.headers));
      if (p instanceof Promise) await p;
    }
  }

  async close(): Promise<void> {
    await this.task.close();
    await this.consumer?.close();
  }
}

export function toHeaders(h: { [name: string]: Uint8Array } | undefined): Headers | undefined {
  if (!h) return undefined;
  for (const _k in h) return h;
  return undefined;
}
