/**
 * observe(topic) (API.md section 9): a live, cold rxjs Observable of a topic's committed records, for UIs and
 * glue code. Each subscription gets its own consumer (no group, read_committed, every partition assigned) that
 * starts at the end of the topic (`from: 'now'`, the default) or at its beginning, and polls in batches of up to
 * 1000 records: a batch is emitted, then the next one is fetched, so a slow synchronous subscriber slows the
 * reads instead of queueing records. A topic that does not exist yet is waited for (then read from its start,
 * since all of it came after the subscription). Unsubscribing closes the consumer; closing the log (or the
 * running app) completes the Observable. Keys and values are raw bytes unless serdes are given.
 */
import type { Observable } from 'rxjs';
import { rxjs } from './rx.ts';
import type { StreamRecord } from '../api/records.ts';
import type { Deserializer } from '../api/serde.ts';
import type { Consumer, ConsumerOptions } from './consumer.ts';
import type { ConsumerRecord, TopicDescription } from './types.ts';

export interface ObserveOptions<K, V> {
  key?: Deserializer<K>;
  value?: Deserializer<V>;
  /** 'now' (default): records appended after the subscription; 'beginning': the whole topic, then live. */
  from?: 'now' | 'beginning';
}

/** What observe needs of a log: a LogStore (or a client of one). */
export interface ObservableLog {
  readonly admin: {
    listTopics(opts?: { internal?: boolean }): Promise<string[]>;
    describeTopic(name: string): Promise<TopicDescription>;
  };
  consumer(opts?: ConsumerOptions): Consumer;
}

/** Stops every live subscription of a log or app when it closes (they complete). */
export class ObserverRegistry {
  private readonly stops = new Set<() => void>();
  add(stop: () => void): () => void {
    this.stops.add(stop);
    return () => this.stops.delete(stop);
  }
  closeAll(): void {
    for (const stop of [...this.stops]) stop();
    this.stops.clear();
  }
}

const TOPIC_WAIT_MS = 200;
const POLL_MS = 500;
const BATCH = 1000;

export function observeTopic<K = Uint8Array | null, V = Uint8Array | null>(
  log: ObservableLog, topic: string, opts: ObserveOptions<K, V> = {}, registry?: ObserverRegistry,
): Observable<StreamRecord<K, V>> {
  const from = opts.from ?? 'now';
  if (from !== 'now' && from !== 'beginning') throw new Error(`observe('${topic}'): from must be 'now' or 'beginning', got '${String(from)}'.`);
  const keyDe = opts.key;
  const valueDe = opts.value;
  return new (rxjs().Observable)<StreamRecord<K, V>>((sub) => {
    let stopped = false;
    let consumer: Consumer | null = null;
    const stop = () => {
      stopped = true;
      const c = consumer;
      consumer = null;
      void c?.close();
    };
    const unregister = registry?.add(() => {
      stop();
      sub.complete();
    });
    const decode = (r: ConsumerRecord): StreamRecord<K, V> => {
      try {
        const rec: StreamRecord<K, V> = {
          key: keyDe ? keyDe.deserialize(r.key, topic) : (r.key as K),
          value: valueDe ? valueDe.deserialize(r.value, topic) : (r.value as V),
          timestamp: r.timestamp, topic: r.topic, partition: r.partition, offset: r.offset,
        };
        for (const _h in r.headers) {
          rec.headers = r.headers;
          break;
        }
        return rec;
      } catch (e) {
        throw new Error(`observe('${topic}'): cannot deserialize the record at partition ${r.partition}, offset ${r.offset}: ${(e as Error).message}`, { cause: e });
      }
    };
    const run = async () => {
      let existed = true;
      while (!stopped && !(await log.admin.listTopics()).includes(topic)) {
        existed = false;
        await new Promise((r) => setTimeout(r, TOPIC_WAIT_MS));
      }
      if (stopped) return;
      const tps = (await log.admin.describeTopic(topic)).partitions.map((p) => ({ topic, partition: p.partition }));
      if (stopped) return;
      const c = (consumer = log.consumer({ isolation: 'read_committed' }));
      c.assign(tps);
      if (from === 'beginning' || !existed) await c.seekToBeginning(tps);
      else await c.seekToEnd(tps);
      while (!stopped) {
        const records = await c.poll({ timeoutMs: POLL_MS, maxRecords: BATCH });
        for (const r of records) {
          if (stopped) return;
          sub.next(decode(r));
        }
        // a local poll with data resolves through microtasks: let timers and I/O run between batches
        if (records.length) await new Promise((r) => setImmediate(r));
      }
    };
    run().catch((e: unknown) => {
      if (stopped) return; // closing the consumer aborts its poll
      stop();
      unregister?.();
      sub.error(e);
    });
    return () => {
      stop();
      unregister?.();
    };
  });
}
