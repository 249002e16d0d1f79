/**
 * The value of a repartitioned KTable change (a table groupBy's repartition topic): new and old value together,
 * as Kafka's ChangedSerializer sends them. Layout: flags byte (1 = new present, 2 = old present), then the new
 * value and the old value, each a 4-byte big-endian length and its bytes.
 */
import type { Serde } from '../api/serde.ts';
import type { Rec } from '../processors/types.ts';

export function encodeChange(serde: Serde<unknown>, r: Rec, topic: string): Uint8Array {
  const nv = r.value === null || r.value === undefined ? null : serde.serialize(r.value, topic);
  const ov = r.oldValue === null || r.oldValue === undefined ? null : serde.serialize(r.oldValue, topic);
  const out = new Uint8Array(9 + (nv?.length ?? 0) + (ov?.length ?? 0));
  const dv = new DataView(out.buffer);
  out[0] = (nv ? 1 : 0) | (ov ? 2 : 0);
  dv.setInt32(1, nv?.length ?? 0);
  if (nv) out.set(nv, 5);
  const at = 5 + (nv?.length ?? 0);
  dv.setInt32(at, ov?.length ?? 0);
  if (ov) out.set(ov, at + 4);
  return out;
}

export function decodeChange(serde: Serde<unknown>, bytes: Uint8Array, topic: string): { value: unknown; oldValue: unknown } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes[0];
  const nlen = dv.getInt32(1);
  const nv = flags & 1 ? serde.deserialize(bytes.subarray(5, 5 + nlen), topic) : null;
  const at = 5 + nlen;
  const olen = dv.getInt32(at);
  const ov = flags & 2 ? serde.deserialize(bytes.subarray(at + 4, at + 4 + olen), topic) : null;
  return { value: nv, oldValue: ov };
}
