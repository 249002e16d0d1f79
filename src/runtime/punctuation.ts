/**
 * Punctuation schedules (Kafka's PunctuationQueue): stream-time schedules start aligned to 0 and fire as soon
 * as there is data; wall-clock ones start at now + interval. A punctuator gets the current time, and missed
 * intervals are skipped, not replayed.
 */
import type { MaybePromise } from '../processors/types.ts';

interface Schedule {
  type: 'stream-time' | 'wall-clock';
  next: number;
  interval: number;
  node: string;
  cb: (ts: number) => MaybePromise;
  cancelled: boolean;
}

export class Punctuation {
  private readonly schedules: Schedule[] = [];

  schedule(type: Schedule['type'], start: number, interval: number, node: string, cb: Schedule['cb']): { cancel(): void } {
    const s: Schedule = { type, next: start, interval, node, cb, cancelled: false };
    this.schedules.push(s);
    return { cancel: () => void (s.cancelled = true) };
  }

  /** Fires every due schedule of `type` at time `now`, in due order. */
  fire(type: Schedule['type'], now: number, run: (node: string, cb: Schedule['cb'], ts: number) => MaybePromise): MaybePromise {
    if (now < 0) return;
    while (true) {
      let top: Schedule | undefined;
      for (const s of this.schedules) if (s.type === type && !s.cancelled && s.next <= now && (!top || s.next < top.next)) top = s;
      if (!top) break;
      const s = top;
      let next = s.next + s.interval;
      if (now >= next) next = s.next + (Math.floor((now - s.next) / s.interval) + 1) * s.interval;
      s.next = next;
      const r = run(s.node, s.cb, now);
      if (r instanceof Promise) return r.then(() => this.fire(type, now, run));
    }
    for (let i = this.schedules.length - 1; i >= 0; i--) if (this.schedules[i].cancelled) this.schedules.splice(i, 1);
  }
}
