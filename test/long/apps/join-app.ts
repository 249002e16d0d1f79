/**
 * The join crash test's app: a stream-stream inner join of `crash-left` and `crash-right` (both keyed by join key,
 * values are record ids `l<n>` / `r<n>`) with JoinWindows of ±100 ms and a grace of 10 minutes, so no record is
 * ever too late and the joined output is exactly every (left, right) pair of a key with |left.ts - right.ts| <= 100,
 * whatever the processing order. Join state lives in the join's window stores (LevelDB, changelogged); every
 * joined record `l<n>+r<m>` goes to `crash-joined`.
 */
import { defineApp, JoinWindows, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'crash-join',
  build(b) {
    const str = serdes.string();
    b.stream('crash-left', { key: str, value: str })
      .join(b.stream('crash-right', { key: str, value: str }), (l, r) => `${l}+${r}`, JoinWindows.of({ timeDifference: 100, grace: '10m' }))
      .to('crash-joined', { key: str, value: str });
  },
});
