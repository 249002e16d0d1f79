/**
 * The suppression buffer's bounds and what happens when it fills, as Kafka's
 * `Suppressed.BufferConfig`. `onFull` is in the type, so `Suppressed.untilWindowCloses` can demand
 * a buffer that never emits early (Java's `StrictBufferConfig`).
 */
export type BufferFullStrategy = 'EMIT_EARLY' | 'SHUT_DOWN';

export interface BufferConfig<S extends BufferFullStrategy = BufferFullStrategy> {
  readonly kind: 'buffer';
  /** Maximum buffered records; `Infinity` when unbounded. */
  readonly maxRecords: number;
  /** Maximum buffered bytes (keys + values + overhead); `Infinity` when unbounded. */
  readonly maxBytes: number;
  /** `EMIT_EARLY` emits the oldest records when full; `SHUT_DOWN` fails the application. */
  readonly onFull: S;
  /** Same bounds; emit the oldest results early when full (breaks "final results"). */
  emitEarlyWhenFull(): BufferConfig<'EMIT_EARLY'>;
  /** Same bounds; stop the application with an error when full. */
  shutDownWhenFull(): BufferConfig<'SHUT_DOWN'>;
}

/** A buffer that never emits early: accepted by `Suppressed.untilWindowCloses`. */
export type StrictBufferConfig = BufferConfig<'SHUT_DOWN'>;

function make<S extends BufferFullStrategy>(maxRecords: number, maxBytes: number, onFull: S): BufferConfig<S> {
  return Object.freeze({
    kind: 'buffer' as const,
    maxRecords,
    maxBytes,
    onFull,
    emitEarlyWhenFull: () => make(maxRecords, maxBytes, 'EMIT_EARLY' as const),
    shutDownWhenFull: () => make(maxRecords, maxBytes, 'SHUT_DOWN' as const),
  });
}

function limit(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`BufferConfig.${what} needs a non-negative whole number, got ${n}`);
  return n;
}

export const BufferConfig = Object.freeze({
  /** No bound (the default). Never emits early: it can only run out of memory (Java: `unbounded()`). */
  unbounded: (): StrictBufferConfig => make(Infinity, Infinity, 'SHUT_DOWN'),
  /** At most `n` records; emits early when full unless `.shutDownWhenFull()` (Java's default too). */
  maxRecords: (n: number): BufferConfig<'EMIT_EARLY'> => make(limit(n, 'maxRecords'), Infinity, 'EMIT_EARLY'),
  /** At most `n` bytes; emits early when full unless `.shutDownWhenFull()` (Java's default too). */
  maxBytes: (n: number): BufferConfig<'EMIT_EARLY'> => make(Infinity, limit(n, 'maxBytes'), 'EMIT_EARLY'),
});
