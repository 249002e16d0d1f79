/** KStream.join/leftJoin/outerJoin: picks stream-stream, stream-table or stream-global-table by the argument. */
import type { JoinWindows } from '../../windowing/join-windows.ts';
import type { StreamState, TableState } from '../internal.ts';
import { GlobalKTableImpl } from '../global-ktable.ts';
import type { AnyJoinOptions } from './join-common.ts';
import { streamStreamJoin, type StreamJoinMode } from './join-stream-stream.ts';
import { streamGlobalTableJoin, streamTableJoin } from './join-stream-table.ts';

type F2 = (a: unknown, b: unknown) => unknown;

export function dispatchStreamJoin(s: StreamState, other: unknown, a: unknown, b: unknown, c: unknown, mode: StreamJoinMode): StreamState {
  if (other instanceof GlobalKTableImpl) {
    if (mode === 'outer') throw new TypeError('outerJoin: a KStream can outer-join only another KStream (with JoinWindows).');
    return streamGlobalTableJoin(s, other as GlobalKTableImpl<unknown, unknown>, a as F2, b as F2, mode === 'left', c as { name?: string } | undefined);
  }
  const st = (other as { state?: StreamState | TableState } | null)?.state;
  if (!st) throw new TypeError('join: the first argument must be a KStream, a KTable or a GlobalKTable.');
  if ('storeName' in st) {
    if (mode === 'outer') throw new TypeError('outerJoin: a KStream can outer-join only another KStream (with JoinWindows).');
    if ((b as { kind?: string } | undefined)?.kind === 'join') throw new TypeError('join with a KTable takes no JoinWindows: join(table, joiner, options?).');
    return streamTableJoin(s, st, a as F2, mode === 'left', b as AnyJoinOptions | undefined);
  }
  return streamStreamJoin(s, st, a as F2, b as JoinWindows, mode, c as AnyJoinOptions | undefined);
}
