/**
 * The processor runtime contract. A processor gets its node, a NodeContext (forward, stores, task services)
 * and returns a ProcImpl. Records inside a task are plain objects (bytes only at sources, sinks and stores).
 * `process` returns a promise only when it must wait (user processors, range scans); forward chains it.
 */
import type { Headers } from '../api/records.ts';
import type { ProcessorNode } from '../topology/graph.ts';
import type { ProcKind } from '../topology/proc-params.ts';

/** A record inside a task. For KTable changes, `value` is the new value and `oldValue` the old one. */
export interface Rec {
  key: unknown;
  value: unknown;
  oldValue?: unknown;
  timestamp: number;
  headers?: Headers;
}

export type MaybePromise = void | Promise<void>;

export interface DroppedRecord {
  reason: string;
  operator: string;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  lateByMs?: number;
}

/** Services of the task a processor runs in. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  /** Max timestamp seen by the task (Kafka's stream time); -1 before the first record. */
  streamTime(): number;
  wallClockTime(): number;
  /** Topic, partition, offset of the input record being processed (null inside punctuators). */
  recordMetadata(): { topic: string; partition: number; offset: number } | null;
  /** Reports a record a DSL operator dropped: metric, onDroppedRecord, droppedRecordsTopic. */
  dropped(e: Omit<DroppedRecord, 'topic' | 'partition' | 'offset'> & { topic?: string; partition?: number; offset?: number }): void;
  getStore<T>(name: string, by: string): T;
  /** The user-facing face of a store (Processor API getStateStore). */
  getPublicStore<T>(name: string, by: string): T;
  schedule(intervalMs: number, type: 'stream-time' | 'wall-clock', cb: (ts: number) => MaybePromise): { cancel(): void };
  /** Sends a serialized record to a topic (sinks). */
  send(topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined, partition: number | undefined): void;
  numPartitions(topic: string): number | undefined;
  warn(message: string): void;
  readonly config: TaskConfig;
}

export interface TaskConfig {
  defaultKeySerde: import('../api/serde.ts').Serde<unknown>;
  defaultValueSerde: import('../api/serde.ts').Serde<unknown>;
}

export interface NodeContext {
  readonly node: string;
  readonly task: TaskServices;
  /** True when downstream needs old values (Kafka's sendOldValues). */
  readonly sendOldValues: boolean;
  forward(rec: Rec, child?: string): MaybePromise;
  childNames(): readonly string[];
}

export interface ProcImpl {
  init?(): MaybePromise;
  process(rec: Rec): MaybePromise;
  close?(): MaybePromise;
}

export type Factory<P extends ProcKind> = (node: ProcessorNode<P>, ctx: NodeContext) => ProcImpl;
export type ProcessorTable = { [P in ProcKind]: Factory<P> };


/** Forwards several records in order, waiting only when a child returns a promise. */
export function forwardAll(ctx: NodeContext, recs: Rec[], i = 0): MaybePromise {
  for (; i < recs.length; i++) {
    const r = ctx.forward(recs[i]);
    if (r instanceof Promise) {
      const next = i + 1;
      return r.then(() => forwardAll(ctx, recs, next));
    }
  }
}
