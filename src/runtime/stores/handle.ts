/** A store instance with the faces the runtime needs (see stores.ts). */
import type { StoreSpec } from '../../topology/graph.ts';
import type { StateStoreInternal } from '../../state/types.ts';

export interface StoreHandle {
  readonly spec: StoreSpec;
  readonly internal: StateStoreInternal;
  /** The face DSL processors use. */
  readonly dsl: unknown;
  /** The face users see (plain values). */
  publicView(): unknown;
}
