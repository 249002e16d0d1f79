/** The shape of a KTable value getter (see value-getter.ts, which builds them from the graph). */

export type JoinMode = 'inner' | 'left' | 'outer';

export type GetterSpec =
  | { readonly kind: 'store'; readonly store: string }
  /** filter (returns null to hide) and mapValues over the parent's value. */
  | { readonly kind: 'map'; readonly parent: GetterSpec; readonly map: (key: unknown, value: unknown) => unknown }
  | { readonly kind: 'join'; readonly left: GetterSpec; readonly right: GetterSpec; readonly mode: JoinMode; readonly joiner: (v1: unknown, v2: unknown) => unknown };

/** The stores a getter reads (connected to the processor that uses it, as Kafka connects them). */
export function getterStores(spec: GetterSpec): string[] {
  switch (spec.kind) {
    case 'store': return [spec.store];
    case 'map': return getterStores(spec.parent);
    case 'join': return [...new Set([...getterStores(spec.left), ...getterStores(spec.right)])];
  }
}
