/**
 * producer.sendFrom(observable, { lingerMs? }) (API.md section 9): sends every record an rxjs Observable emits,
 * in order, in batches (see batch.ts: a batch goes out after lingerMs, 5 ms by default as Kafka's linger.ms, or
 * at batchSize records), one sendBatch at a time, and resolves with the count when the Observable completes and
 * every batch is acknowledged. When the Observable errors, the records it emitted before are still sent, then
 * the promise rejects with its error; when a send fails, the Observable is unsubscribed and the promise rejects
 * saying how many records had been acknowledged. An Observable cannot be slowed down: a source faster than the
 * log is absorbed by larger batches (one sendBatch per batch), not by pausing it.
 */
import type { Observable, Subscription } from 'rxjs';
import type { ProducerRecord, RecordMetadata } from './types.ts';
import { batchFor } from './batch.ts';

export interface SendFromOptions {
  /** How long the first record of a batch waits for more (ms). Default 5 (Kafka's linger.ms). */
  lingerMs?: number;
  /** Records per batch at most. Default 1000. */
  batchSize?: number;
}

export function sendFrom(
  producer: { sendBatch(records: ProducerRecord[]): Promise<RecordMetadata[]> },
  source: Observable<ProducerRecord>,
  opts: SendFromOptions = {},
): Promise<number> {
  const batches = source.pipe(batchFor<ProducerRecord>(opts.lingerMs ?? 5, opts.batchSize ?? 1000));
  return new Promise<number>((resolve, reject) => {
    let chain: Promise<void> = Promise.resolve();
    let sent = 0;
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      sub.unsubscribe(); // fail() only runs from promise callbacks, after subscribe() returned
      reject(e);
    };
    const sendFailed = (e: unknown) => fail(new Error(
      `sendFrom: a send failed after ${sent} record(s) were acknowledged; the Observable was unsubscribed: ${(e as Error)?.message ?? String(e)}`,
      { cause: e },
    ));
    const sub: Subscription = batches.subscribe({
      next(batch) {
        chain = chain.then(async () => {
          if (settled) return;
          await producer.sendBatch(batch);
          sent += batch.length;
        }).catch(sendFailed);
      },
      error(e) {
        void chain.then(() => fail(e));
      },
      complete() {
        void chain.then(() => {
          if (settled) return;
          settled = true;
          resolve(sent);
        });
      },
    });
    if (settled) sub.unsubscribe();
  });
}
