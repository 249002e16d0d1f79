/** Tiny serdes, a fake init context and a capturing ChangelogSink for the state tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Serde } from '../../src/api/serde.ts';
import type { ChangelogSink, RecordContext, StoreInitContext } from '../../src/state/types.ts';

export const str: Serde<string> = {
  serialize: (v) => (v === null ? null : new TextEncoder().encode(v)),
  deserialize: (b) => (b === null ? (null as unknown as string) : new TextDecoder().decode(b)),
};

export const num: Serde<number> = {
  serialize: (v) => {
    if (v === null) return null;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v);
    return b;
  },
  deserialize: (b) => (b === null ? (null as unknown as number) : new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0)),
};

export interface Logged {
  topic: string;
  partition: number;
  key: string;
  value: Uint8Array | null;
  timestamp: number;
}

export class CapturingSink implements ChangelogSink {
  readonly records: Logged[] = [];
  append(topic: string, partition: number, key: Uint8Array, value: Uint8Array | null, timestamp: number): void {
    this.records.push({ topic, partition, key: Buffer.from(key).toString('latin1'), value, timestamp });
  }
}

export interface FakeContext extends StoreInitContext {
  sink: CapturingSink;
  /** The current record context (tests set it before writes). */
  current: RecordContext;
}

export function fakeContext(over: Partial<StoreInitContext> = {}): FakeContext {
  const sink = new CapturingSink();
  const ctx: FakeContext = {
    applicationId: 'app',
    taskId: '0_0',
    partition: 0,
    changelog: sink,
    cacheMaxBytes: 0,
    sink,
    current: { timestamp: 0, topic: 'in', partition: 0, offset: 0 },
    recordContext: () => ctx.current,
    ...over,
  };
  return ctx;
}

/** A fresh task dir (removed by the returned cleanup). */
export function tempTaskDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-state-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
export const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
