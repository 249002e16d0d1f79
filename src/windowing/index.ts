/** Window definitions, emit strategies and suppression configs (API.md section 3, windows). */
export { TimeWindows, type TimeWindowsOptions } from './time-windows.ts';
export { SlidingWindows, type SlidingWindowsOptions } from './sliding-windows.ts';
export { SessionWindows, type SessionWindowsOptions } from './session-windows.ts';
export { JoinWindows, type JoinWindowsOptions } from './join-windows.ts';
export { EmitStrategy } from './emit-strategy.ts';
export { BufferConfig, type BufferFullStrategy, type StrictBufferConfig } from './buffer-config.ts';
export { Suppressed, type UntilTimeLimit, type UntilWindowCloses } from './suppressed.ts';

