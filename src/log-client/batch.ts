/**
 * Batching for sends from an Observable (producer.sendFrom): Kafka's producer batching, in rxjs terms. The first
 * record into an empty batch starts a `lingerMs` timer; the batch goes out when the timer fires or when it holds
 * `maxRecords`, whichever comes first. Unlike rxjs' bufferTime, the records buffered when the source completes
 * or errors are emitted before the completion or the error, so nothing that came before an error is lost.
 * The timer runs on an rxjs scheduler (asyncScheduler by default), so TestScheduler marble tests drive it.
 */
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { rxjs } from './rx.ts';

export function batchFor<T>(lingerMs: number, maxRecords: number, scheduler: SchedulerLike = rxjs().asyncScheduler) {
  if (!(lingerMs >= 0)) throw new RangeError(`lingerMs must be >= 0, got ${lingerMs}.`);
  if (!(maxRecords >= 1)) throw new RangeError(`the batch size must be >= 1, got ${maxRecords}.`);
  return (source: Observable<T>): Observable<T[]> => new (rxjs().Observable)<T[]>((out) => {
    let batch: T[] = [];
    let timer: Subscription | null = null;
    const flush = () => {
      timer?.unsubscribe();
      timer = null;
      if (!batch.length) return;
      const full = batch;
      batch = [];
      out.next(full);
    };
    const sub = source.subscribe({
      next(v) {
        batch.push(v);
        if (batch.length >= maxRecords) flush();
        else if (!timer) timer = scheduler.schedule(flush, lingerMs);
      },
      error(e) {
        flush();
        out.error(e);
      },
      complete() {
        flush();
        out.complete();
      },
    });
    return () => {
      timer?.unsubscribe();
      sub.unsubscribe();
    };
  });
}
