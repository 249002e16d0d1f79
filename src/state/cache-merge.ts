/** Cache entries, and the merge of a cache range with the range of the store below (caching.ts). */
import type { BytesEntry } from './layer.ts';
import type { RecordContext } from './types.ts';

export interface CacheEntry {
  key: Uint8Array;
  value: Uint8Array | null;
  dirty: boolean;
  context: RecordContext | null;
  size: number;
  /**
   * The value the store below holds for the key, when known (null: absent; undefined: not known). It spares
   * the flush a read of the old value below: a point read per flushed key (getSync on LevelDB).
   */
  below?: Uint8Array | null;
}

export /** Merges sorted cache entries into the sorted entries of the store below; the cache wins on equal keys. */
class CacheMerge {
  private i = 0;
  constructor(
    private readonly cached: Array<[string, CacheEntry]>,
    private readonly reverse: boolean,
  ) {}

  /** The live cache entries ordered before (or at) `orderKey`, then `entry` unless the cache shadows it. */
  before(orderKey: string, entry: BytesEntry): BytesEntry[] {
    const out: BytesEntry[] = [];
    let shadowed = false;
    for (; this.i < this.cached.length; this.i++) {
      const [ck, e] = this.cached[this.i];
      if (this.reverse ? ck < orderKey : ck > orderKey) break;
      if (e.value !== null) out.push([e.key, e.value]);
      if (ck === orderKey) shadowed = true;
    }
    if (!shadowed) out.push(entry);
    return out;
  }

  rest(): BytesEntry[] {
    const out: BytesEntry[] = [];
    for (; this.i < this.cached.length; this.i++) {
      const e = this.cached[this.i][1];
      if (e.value !== null) out.push([e.key, e.value]);
    }
    return out;
  }
}
