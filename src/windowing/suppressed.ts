import type { Duration } from '../api/records.ts';
import { BufferConfig, type StrictBufferConfig } from './buffer-config.ts';
import { wholeMs } from './ms.ts';

/** Final results only: one record per window, once it closes (Kafka's `Suppressed.untilWindowCloses`). */
export interface UntilWindowCloses {
  readonly kind: 'untilWindowCloses';
  readonly bufferConfig: StrictBufferConfig;
  /** Processor name (the buffer store is `<name>-store`); undefined = generated. */
  readonly name?: string;
  withName(name: string): UntilWindowCloses;
}

/** Rate limiting: hold a key's latest value until `timeToWaitMs` of stream time has passed. */
export interface UntilTimeLimit {
  readonly kind: 'untilTimeLimit';
  readonly timeToWaitMs: number;
  readonly bufferConfig: BufferConfig;
  readonly name?: string;
  withName(name: string): UntilTimeLimit;
}

export type Suppressed = UntilWindowCloses | UntilTimeLimit;

function checkName(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`Suppressed.withName needs a non-empty string, got ${String(name)}`);
  return name;
}

function untilWindowCloses(bufferConfig: StrictBufferConfig, name?: string): UntilWindowCloses {
  if (bufferConfig?.kind !== 'buffer' || bufferConfig.onFull !== 'SHUT_DOWN') {
    throw new TypeError(
      'Suppressed.untilWindowCloses needs a buffer that never emits early (an early emit would break "final results"): ' +
        'use BufferConfig.unbounded() or BufferConfig.maxRecords(n).shutDownWhenFull() / BufferConfig.maxBytes(n).shutDownWhenFull()',
    );
  }
  return Object.freeze({ kind: 'untilWindowCloses' as const, bufferConfig, name, withName: (n: string) => untilWindowCloses(bufferConfig, checkName(n)) });
}

function untilTimeLimit(timeToWaitMs: number, bufferConfig: BufferConfig, name?: string): UntilTimeLimit {
  if (bufferConfig?.kind !== 'buffer') throw new TypeError('Suppressed.untilTimeLimit: bufferConfig must come from BufferConfig');
  return Object.freeze({
    kind: 'untilTimeLimit' as const, timeToWaitMs, bufferConfig, name,
    withName: (n: string) => untilTimeLimit(timeToWaitMs, bufferConfig, checkName(n)),
  });
}

export const Suppressed = Object.freeze({
  /** Emit only the final result of each window, when it closes. Windowed KTables only. */
  untilWindowCloses: (bufferConfig: StrictBufferConfig = BufferConfig.unbounded()): UntilWindowCloses =>
    untilWindowCloses(bufferConfig),
  /** Emit a key's latest value once `timeToWait` of stream time passed since its first buffered update. */
  untilTimeLimit: (timeToWait: Duration, bufferConfig: BufferConfig = BufferConfig.unbounded()): UntilTimeLimit =>
    untilTimeLimit(wholeMs(timeToWait, 'timeToWait'), bufferConfig),
});
