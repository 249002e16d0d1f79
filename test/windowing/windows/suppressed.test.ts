import { describe, expect, expectTypeOf, it } from 'vitest';
import { BufferConfig, Suppressed, type StrictBufferConfig } from '../../../src/windowing/index.ts';

describe('BufferConfig', () => {
  it('unbounded never emits early; bounded ones emit early unless told otherwise (as Java)', () => {
    expect(BufferConfig.unbounded()).toMatchObject({ kind: 'buffer', maxRecords: Infinity, maxBytes: Infinity, onFull: 'SHUT_DOWN' });
    expect(BufferConfig.maxRecords(10)).toMatchObject({ maxRecords: 10, maxBytes: Infinity, onFull: 'EMIT_EARLY' });
    expect(BufferConfig.maxBytes(1024).shutDownWhenFull()).toMatchObject({ maxRecords: Infinity, maxBytes: 1024, onFull: 'SHUT_DOWN' });
    expectTypeOf(BufferConfig.maxRecords(1).shutDownWhenFull()).toEqualTypeOf<StrictBufferConfig>();
  });

  it('is immutable and fluent', () => {
    const a = BufferConfig.maxRecords(5);
    const b = a.shutDownWhenFull();
    expect(a.onFull).toBe('EMIT_EARLY');
    expect(b.emitEarlyWhenFull()).toMatchObject({ maxRecords: 5, onFull: 'EMIT_EARLY' });
    expect(Object.isFrozen(b)).toBe(true);
  });

  it('rejects negative or fractional limits', () => {
    expect(() => BufferConfig.maxRecords(-1)).toThrow(/maxRecords/);
    expect(() => BufferConfig.maxBytes(1.5)).toThrow(/maxBytes/);
  });
});

describe('Suppressed', () => {
  it('untilWindowCloses defaults to an unbounded buffer and takes a name', () => {
    const s = Suppressed.untilWindowCloses();
    expect(s).toMatchObject({ kind: 'untilWindowCloses', bufferConfig: { maxRecords: Infinity, onFull: 'SHUT_DOWN' } });
    expect(s.name).toBeUndefined();
    expect(s.withName('final').name).toBe('final');
    expect(s.name).toBeUndefined();
    expect(Suppressed.untilWindowCloses(BufferConfig.maxRecords(3).shutDownWhenFull()).bufferConfig.maxRecords).toBe(3);
  });

  it('untilWindowCloses refuses a buffer that emits early (type error and runtime error)', () => {
    // @ts-expect-error an emit-early buffer cannot give final results
    expect(() => Suppressed.untilWindowCloses(BufferConfig.maxRecords(3))).toThrow(/BufferConfig\.unbounded\(\).*shutDownWhenFull/);
    // @ts-expect-error likewise after an explicit emitEarlyWhenFull()
    expect(() => Suppressed.untilWindowCloses(BufferConfig.unbounded().emitEarlyWhenFull())).toThrow(/never emits early/);
  });

  it('untilTimeLimit takes any buffer', () => {
    const s = Suppressed.untilTimeLimit('5m', BufferConfig.maxBytes(100).emitEarlyWhenFull()).withName('rate');
    expect(s).toMatchObject({ kind: 'untilTimeLimit', timeToWaitMs: 300_000, name: 'rate', bufferConfig: { maxBytes: 100, onFull: 'EMIT_EARLY' } });
    expect(Suppressed.untilTimeLimit(0).bufferConfig.onFull).toBe('SHUT_DOWN');
    expect(() => Suppressed.untilTimeLimit(-1)).toThrow(/timeToWait/);
    expect(() => s.withName('')).toThrow(/non-empty/);
  });
});
