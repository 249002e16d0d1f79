/**
 * Error handling at the task's edges (API.md section 6): 'fail' stops with the position and operator,
 * 'continue' logs and counts, { deadLetterTopic } sends the original bytes there with headers saying why.
 */
import type { Headers } from '../api/records.ts';
import type { ExceptionHandlerConfig } from './config.ts';
import { userFrame } from './logging/user-frame.ts';

export class ProcessingError extends Error {
  /** Where it happened (for structured logs): the record's position, the operator, the user's own line. */
  readonly details?: { kind: string; topic: string; partition: number; offset: number; operator: string; at: string | null };

  constructor(message: string, options?: { cause?: unknown; details?: ProcessingError['details'] }) {
    super(message, options);
    this.name = 'ProcessingError';
    if (options?.details) this.details = options.details;
  }
}

export interface ErrorPosition {
  topic: string;
  partition: number;
  offset: number;
  operator: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Headers | undefined;
  timestamp: number;
}

/** What error handling needs of a task: its skip counter, its warnings and its record collector. */
export interface ErrorSink {
  readonly metrics: { skipped: number };
  warn(message: string): void;
  send(topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined, partition: number | undefined): void;
}

export function handleError(task: ErrorSink, kind: 'deserialization' | 'processing' | 'production', handler: ExceptionHandlerConfig, e: unknown, at: ErrorPosition): void {
  if (e instanceof ProcessingError) throw e;
  const message = e instanceof Error ? e.message : String(e);
  const frame = userFrame(e);
  const msg = message + (frame ? ` (at ${frame})` : '');
  const where = `topic ${at.topic}, partition ${at.partition}, offset ${at.offset}, operator ${at.operator}`;
  const key = `${kind}ExceptionHandler` as const;
  if (handler === 'fail') {
    throw new ProcessingError(
      `${kind} error at ${where}: ${msg}. The record was not processed and nothing after it is committed; ` +
      `set config ${key} to 'continue' to skip such records or to { deadLetterTopic: '<topic>' } to keep them aside.`,
      { cause: e, details: { kind, topic: at.topic, partition: at.partition, offset: at.offset, operator: at.operator, at: frame } },
    );
  }
  task.metrics.skipped++;
  if (handler === 'continue') {
    task.warn(`skipped a record after a ${kind} error at ${where}: ${msg} (${key}: 'continue').`);
    return;
  }
  const headers: Headers = {
    ...(at.headers ?? {}),
    '__streams.errors.exception': e instanceof Error ? e.name : 'Error',
    '__streams.errors.message': message,
    '__streams.errors.topic': at.topic,
    '__streams.errors.partition': String(at.partition),
    '__streams.errors.offset': String(at.offset),
    '__streams.errors.operator': at.operator,
  };
  task.send(handler.deadLetterTopic, at.key, at.value, at.timestamp, headers, undefined);
}
