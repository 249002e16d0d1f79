/**
 * The built-in serdes (API.md section 1), byte-compatible with Kafka's Java serializers.
 * Every serde maps a null value (a tombstone) to null bytes and null bytes back to null.
 */
import { bigint64 } from './bigint64.ts';
import { bytes } from './bytes.ts';
import { float64 } from './float64.ts';
import { immutable } from './immutable.ts';
import { int32 } from './int32.ts';
import { int64 } from './int64.ts';
import { json } from './json.ts';
import { sessionWindowed } from './session-windowed.ts';
import { string } from './string.ts';
import { windowed } from './time-windowed.ts';
import { voidSerde } from './void.ts';

export const serdes = Object.freeze({
  string,
  json,
  immutable,
  int32,
  int64,
  bigint64,
  float64,
  bytes,
  void: voidSerde,
  windowed,
  sessionWindowed,
});

export {
  decodeSessionWindowedKey,
  decodeTimeWindowedKey,
  encodeSessionWindowedKey,
  encodeTimeWindowedKey,
} from './windowed.ts';
