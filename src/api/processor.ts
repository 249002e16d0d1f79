/** The Processor API (API.md section 3). */
import type { Duration, StreamRecord } from './records.ts';

export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

export interface Cancellable {
  cancel(): void;
}

export type PunctuationType = 'stream-time' | 'wall-clock';

export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  readonly applicationId: string;
  readonly taskId: string;
  /** Sends a record to all children, or to the named child only. */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void | Promise<void>;
  getStateStore<S = unknown>(name: string): S;
  schedule(interval: Duration, type: PunctuationType, callback: (timestamp: number) => void | Promise<void>): Cancellable;
  /** Topic, partition and offset of the input record being processed; null inside a punctuator or when unknown. */
  recordMetadata(): RecordMetadata | null;
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
}

export interface Processor<KIn, VIn, KOut = KIn, VOut = VIn> {
  init?(ctx: ProcessorContext<KOut, VOut>): void | Promise<void>;
  process(record: StreamRecord<KIn, VIn>): void | Promise<void>;
  close?(): void | Promise<void>;
}

export type ProcessorSupplier<KIn, VIn, KOut = KIn, VOut = VIn> = () => Processor<KIn, VIn, KOut, VOut>;

/** processValues: a processor that may not change the key. */
export interface FixedKeyProcessor<K, VIn, VOut = VIn> {
  init?(ctx: ProcessorContext<K, VOut>): void | Promise<void>;
  process(record: StreamRecord<K, VIn>): void | Promise<void>;
  close?(): void | Promise<void>;
}
export type FixedKeyProcessorSupplier<K, VIn, VOut = VIn> = () => FixedKeyProcessor<K, VIn, VOut>;
