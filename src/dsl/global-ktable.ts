/** GlobalKTable<K, V>: a fully replicated table, joined from a KStream with a key selector. */
import type { Serde } from '../api/serde.ts';

export interface GlobalKTable<K, V> {
  /** The store holding the table (query it with the test driver or `running.store`). */
  readonly queryableStoreName: string;
  /** Phantom fields for type inference (never set at runtime). */
  readonly __types?: { key: K; value: V };
}

export class GlobalKTableImpl<K, V> implements GlobalKTable<K, V> {
  constructor(
    readonly queryableStoreName: string,
    readonly keySerde: Serde<unknown> | undefined,
    readonly valueSerde: Serde<unknown> | undefined,
  ) {}
}
