/**
 * Runtime value getters (Kafka's KTableValueGetter): a synchronous `get(key)` returning the table's current
 * value and timestamp at a node, built from the GetterSpec the DSL stored in the join's params.
 */
import type { GetterSpec } from '../topology/value-getter.ts';
import type { ValueAndTimestamp } from '../state/types.ts';
import type { NodeContext } from './types.ts';
import type { TsKvStore } from './table-store.ts';
import type { Windowed } from '../api/records.ts';
import type { SessionStoreInternal, TimestampedWindowStoreInternal } from '../state/types.ts';
import type { SuppressBufferStore } from '../state/suppress-buffer.ts';

const present = (v: ValueAndTimestamp<unknown> | undefined | null): ValueAndTimestamp<unknown> | null =>
  v === undefined || v === null || v.value === null || v.value === undefined ? null : v;

export type ValueGetter = (key: unknown) => ValueAndTimestamp<unknown> | null;

export function buildValueGetter(spec: GetterSpec, ctx: NodeContext, by: string): ValueGetter {
  switch (spec.kind) {
    case 'store': {
      const store = ctx.task.getStore<TsKvStore>(spec.store, by);
      return (key) => present(store.get(key));
    }
    case 'window': {
      const store = ctx.task.getStore<TimestampedWindowStoreInternal<unknown, unknown>>(spec.store, by);
      return (key) => {
        const w = key as Windowed<unknown>;
        return present(store.fetchOne(w.key, w.window.start));
      };
    }
    case 'session': {
      const store = ctx.task.getStore<SessionStoreInternal<unknown, unknown>>(spec.store, by);
      return (key) => {
        const { key: k, window } = key as Windowed<unknown>;
        for (const s of store.findSessionsSync(k, window.end, window.start)) {
          if (s.window.start === window.start && s.window.end === window.end) {
            return s.value === null || s.value === undefined ? null : { value: s.value, timestamp: window.end };
          }
        }
        return null;
      };
    }
    case 'suppress': {
      const buffer = ctx.task.getStore<SuppressBufferStore<unknown, unknown>>(spec.buffer, by);
      const parent = buildValueGetter(spec.parent, ctx, by);
      return (key) => {
        const prior = buffer.priorValueForBuffered(key);
        if (prior === undefined) return parent(key);
        // Kafka: the prior value's timestamp is unknown (RecordQueue.UNKNOWN = -1).
        return prior.value === null ? null : { value: prior.value, timestamp: -1 };
      };
    }
    case 'map': {
      const parent = buildValueGetter(spec.parent, ctx, by);
      const map = spec.map;
      return (key) => {
        const vt = parent(key);
        if (vt === null) return null;
        const v = map(key, vt.value);
        return v === null || v === undefined ? null : { value: v, timestamp: vt.timestamp };
      };
    }
    case 'join': {
      const left = buildValueGetter(spec.left, ctx, by);
      const right = buildValueGetter(spec.right, ctx, by);
      const { joiner, mode } = spec;
      const make = (v: unknown, ts: number) => (v === null || v === undefined ? null : { value: v, timestamp: ts });
      return (key) => {
        const l = left(key);
        if (mode !== 'outer' && l === null) return null;
        const r = right(key);
        if (mode === 'inner') return r === null ? null : make(joiner(l!.value, r.value), Math.max(l!.timestamp, r.timestamp));
        if (mode === 'left') return make(joiner(l!.value, r === null ? null : r.value), r === null ? l!.timestamp : Math.max(l!.timestamp, r.timestamp));
        if (l === null && r === null) return null;
        const ts = Math.max(l?.timestamp ?? -1, r?.timestamp ?? -1);
        return make(joiner(l === null ? null : l.value, r === null ? null : r.value), ts);
      };
    }
  }
}
