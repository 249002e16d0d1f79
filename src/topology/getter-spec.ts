/** The shape of a KTable value getter (see value-getter.ts, which builds them from the graph). */

export type JoinMode = 'inner' | 'left' | 'outer';

export type GetterSpec =
  | { readonly kind: 'store'; readonly store: string }
  /** A time or sliding windowed table: the window store's value at (key, window start) (KStreamWindowAggregate's getter). */
  | { readonly kind: 'window'; readonly store: string }
  /** A session windowed table: the session store's value of exactly that session, stamped with its end. */
  | { readonly kind: 'session'; readonly store: string }
  /**
   * A suppressed table (KTableSuppressProcessorSupplier.view): while a key is buffered, the value from before
   * the buffered update (the first buffered change's old value, timestamp unknown = -1); otherwise the parent's.
   */
  | { readonly kind: 'suppress'; readonly buffer: string; readonly parent: GetterSpec }
  /** filter (returns null to hide) and mapValues over the parent's value. */
  | { readonly kind: 'map'; readonly parent: GetterSpec; readonly map: (key: unknown, value: unknown) => unknown }
  | { readonly kind: 'join'; readonly left: GetterSpec; readonly right: GetterSpec; readonly mode: JoinMode; readonly joiner: (v1: unknown, v2: unknown) => unknown };

/** The stores a getter reads (connected to the processor that uses it, as Kafka connects them). */
export function getterStores(spec: GetterSpec): string[] {
  switch (spec.kind) {
    case 'store':
    case 'window':
    case 'session': return [spec.store];
    case 'suppress': return [...new Set([spec.buffer, ...getterStores(spec.parent)])];
    case 'map': return getterStores(spec.parent);
    case 'join': return [...new Set([...getterStores(spec.left), ...getterStores(spec.right)])];
  }
}
