/**
 * Store handles (runtime/stores/stores.ts) for window, session and suppress-buffer store specs: the face DSL processors
 * use (the internal store itself: sync fetches, flush listener) and the face users see. Stores of
 * EmitStrategy.onWindowClose() are Kafka's time-ordered stores: their dumps list windows by start, then key.
 */
import type { Serde } from '../../api/serde.ts';
import type { WindowStore, WindowStoreEntry } from '../../api/stores.ts';
import type { StoreSpec } from '../../topology/graph.ts';
import { createSessionStore, createTimestampedWindowStore, createWindowStore } from '../../state/builders.ts';
import { SuppressBufferStore } from '../../state/suppress-buffer.ts';
import type { StoreHandle } from './handle.ts';
import type { KafkaStoreKind } from '../../state/options.ts';

interface Base {
  name: string;
  key: Serde<unknown>;
  value: Serde<unknown>;
  store: 'leveldb' | 'memory';
  kafkaStore: KafkaStoreKind;
  logging: boolean;
  caching: boolean;
}

function windowOptions(spec: StoreSpec, base: Base) {
  if (spec.windowSizeMs === undefined || spec.retentionMs === undefined) {
    throw new Error(`store '${spec.name}': a ${spec.kind} store needs windowSize and retention.`);
  }
  return { ...base, windowSize: spec.windowSizeMs, retention: spec.retentionMs, retainDuplicates: spec.retainDuplicates === true, timeOrdered: spec.timeOrdered === true };
}

/** A handle for window, session and suppress-buffer specs; null for other kinds. */
export function createWindowedStoreHandle(spec: StoreSpec, base: Base): StoreHandle | null {
  switch (spec.kind) {
    case 'timestampedWindow': {
      const s = createTimestampedWindowStore(windowOptions(spec, base));
      const plain = s.asPlainStore();
      const view = spec.timeOrdered ? timeOrderedView(plain, base.key) : plain;
      return { spec, internal: s, dsl: s, publicView: () => view };
    }
    case 'window': {
      const s = createWindowStore(windowOptions(spec, base));
      return { spec, internal: s, dsl: s, publicView: () => s };
    }
    case 'session': {
      if (spec.retentionMs === undefined) throw new Error(`store '${spec.name}': a session store needs a retention.`);
      const s = createSessionStore({ ...base, retention: spec.retentionMs });
      return { spec, internal: s, dsl: s, publicView: () => s };
    }
    case 'suppressBuffer': {
      const s = new SuppressBufferStore({ name: spec.name, key: base.key, value: base.value, logging: base.logging });
      return { spec, internal: s, dsl: s, publicView: () => s };
    }
    default:
      return null;
  }
}

/** `all()` in time order (window start, then key bytes), as Kafka's time-ordered window store iterates. */
function timeOrderedView<K, V>(plain: WindowStore<K, V>, keySerde: Serde<unknown>): WindowStore<K, V> {
  const all = async function* (): AsyncIterable<WindowStoreEntry<K, V>> {
    const entries: Array<{ e: WindowStoreEntry<K, V>; kb: Buffer }> = [];
    for await (const e of plain.all()) entries.push({ e, kb: Buffer.from(keySerde.serialize(e.key) ?? new Uint8Array(0)) });
    entries.sort((a, b) => a.e.window.start - b.e.window.start || Buffer.compare(a.kb, b.kb));
    for (const { e } of entries) yield e;
  };
  return { ...plain, all };
}
