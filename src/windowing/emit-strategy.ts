/**
 * When a windowed aggregation emits, as Kafka's `EmitStrategy`: on every update (the default)
 * or once per window when it closes (stream time passes end + grace).
 */
export type EmitStrategy = { readonly type: 'ON_WINDOW_UPDATE' } | { readonly type: 'ON_WINDOW_CLOSE' };

const ON_UPDATE: EmitStrategy = Object.freeze({ type: 'ON_WINDOW_UPDATE' });
const ON_CLOSE: EmitStrategy = Object.freeze({ type: 'ON_WINDOW_CLOSE' });

export const EmitStrategy = Object.freeze({
  /** Emit the updated aggregate for every input record (Kafka's default). */
  onWindowUpdate: (): EmitStrategy => ON_UPDATE,
  /** Emit one final result per window, once it has closed. */
  onWindowClose: (): EmitStrategy => ON_CLOSE,
});
