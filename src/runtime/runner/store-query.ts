/**
 * Interactive queries (`running.store(name)`): a read-only view over one store across all tasks of this
 * instance. Point reads ask each task's store (a key lives in exactly one partition); ranges merge them.
 */
import type { KeyValue } from '../../api/records.ts';
import type { ReadOnlyKeyValueStore } from '../../api/stores.ts';
import type { StoreHandle } from '../stores/stores.ts';

export class StoreQuery implements ReadOnlyKeyValueStore<unknown, unknown> {
  constructor(readonly name: string, readonly handles: StoreHandle[]) {}

  private views(): ReadOnlyKeyValueStore<unknown, unknown>[] {
    return this.handles.map((h) => {
      if (h.spec.kind !== 'keyValue' && h.spec.kind !== 'timestampedKeyValue') {
        throw new Error(`store '${this.name}' is a ${h.spec.kind} store; key-value queries need a key-value store.`);
      }
      return h.publicView() as ReadOnlyKeyValueStore<unknown, unknown>;
    });
  }

  get(key: unknown): unknown {
    for (const v of this.views()) {
      const r = v.get(key);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  private async *concat(f: (v: ReadOnlyKeyValueStore<unknown, unknown>) => AsyncIterable<KeyValue<unknown, unknown>>): AsyncIterable<KeyValue<unknown, unknown>> {
    for (const v of this.views()) yield* f(v);
  }

  range(from: unknown, to: unknown): AsyncIterable<KeyValue<unknown, unknown>> {
    return this.concat((v) => v.range(from, to));
  }
  reverseRange(from: unknown, to: unknown): AsyncIterable<KeyValue<unknown, unknown>> {
    return this.concat((v) => v.reverseRange(from, to));
  }
  all(): AsyncIterable<KeyValue<unknown, unknown>> {
    return this.concat((v) => v.all());
  }
  prefixScan<P>(prefix: P, ser: { serialize(p: P): Uint8Array | null }): AsyncIterable<KeyValue<unknown, unknown>> {
    return this.concat((v) => v.prefixScan(prefix, ser));
  }
  approximateNumEntries(): number {
    return this.views().reduce((n, v) => n + v.approximateNumEntries(), 0);
  }
}
