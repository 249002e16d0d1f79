/**
 * Kafka's RecordCollector: buffers what a stream thread's tasks send (outputs: sinks, repartition topics, dead
 * letters; and changelog records) and hands it to the producer once per poll batch, never per record. Changelog
 * records are sent after the outputs of the same batch, which the log writes partition by partition in that order:
 * a crash between the two leaves an output without its changelog record (the replay produces it again: a duplicate,
 * as at-least-once allows), never a changelog record without its output, which a restore would turn into state
 * claiming a record was handled whose output is lost.
 * Records the log refuses (e.g. a key missing on a compacted topic, a record over the topic's size limit) go to the
 * productionExceptionHandler: 'fail' stops the thread, 'continue' drops the record with a warning, a dead-letter
 * topic keeps it.
 */
import type { Headers } from '../../api/records.ts';
import { LogStoreError } from '../../log-client/errors.ts';
import type { Producer } from '../../log-client/producer.ts';
import type { ProducerRecord, RecordMetadata } from '../../log-client/types.ts';
import type { ExceptionHandlerConfig } from '../config.ts';
import { ProcessingError } from '../errors.ts';

/** Error codes of the log that refuse one record (the rest of the batch is fine). */
const RECORD_ERRORS = new Set(['INVALID_RECORD', 'RECORD_TOO_LARGE', 'INVALID_PARTITION']);

export class RecordCollector {
  private outputs: ProducerRecord[] = [];
  private changelogs: ProducerRecord[] = [];
  private pending: Promise<unknown>[] = [];

  /**
   * @param sent called with the metadata of every batch the log acknowledged (changelog end offsets).
   * @param warn logs a record dropped under 'continue'.
   */
  constructor(
    private readonly producer: Producer,
    private readonly handler: ExceptionHandlerConfig,
    private readonly sent: (metas: RecordMetadata[]) => void,
    private readonly warn: (line: string) => void,
  ) {}

  send(topic: string, partition: number | undefined, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined): void {
    this.outputs.push({ topic, partition, key, value, timestamp, headers: headers as ProducerRecord['headers'] });
  }

  append(topic: string, partition: number, key: Uint8Array, value: Uint8Array | null, timestamp: number, headers?: Headers): void {
    this.changelogs.push({ topic, partition, key, value, timestamp, headers: headers as ProducerRecord['headers'] });
  }

  get buffered(): boolean {
    return this.outputs.length > 0 || this.changelogs.length > 0;
  }

  /** Hands the buffered records to the producer (one batch); `flush` waits for the log's acknowledgement. */
  sendBuffered(): void {
    if (!this.buffered) return;
    const batch = this.outputs;
    for (const r of this.changelogs) batch.push(r);
    this.outputs = [];
    this.changelogs = [];
    const done = this.producer.sendBatch(batch).then(this.sent, (e: unknown) => this.refused(batch, e));
    done.catch(() => undefined);
    this.pending.push(done);
  }

  /** A refused batch: find the refused records one by one and apply the handler to each. */
  private async refused(batch: ProducerRecord[], e: unknown): Promise<void> {
    if (!(e instanceof LogStoreError) || !RECORD_ERRORS.has(e.code)) throw e;
    for (const r of batch) {
      try {
        this.sent(await this.producer.sendBatch([r]));
      } catch (err) {
        if (!(err instanceof LogStoreError) || !RECORD_ERRORS.has(err.code)) throw err;
        await this.handle(r, err);
      }
    }
  }

  private async handle(r: ProducerRecord, e: LogStoreError): Promise<void> {
    const where = `topic ${r.topic}${r.partition !== undefined ? `, partition ${r.partition}` : ''}`;
    if (this.handler === 'fail') {
      throw new ProcessingError(`production error: the log refused a record for ${where}: ${e.message}. Nothing after it is committed; ` +
        `set config productionExceptionHandler to 'continue' to drop such records or to { deadLetterTopic: '<topic>' } to keep them aside.`, { cause: e });
    }
    if (this.handler === 'continue') {
      this.warn(`streams-run: dropped a record the log refused for ${where}: ${e.message} (productionExceptionHandler: 'continue').`);
      return;
    }
    const headers = {
      ...(r.headers ?? {}), '__streams.errors.exception': e.name, '__streams.errors.message': e.message, '__streams.errors.topic': r.topic,
    };
    this.sent(await this.producer.sendBatch([{ topic: this.handler.deadLetterTopic, key: r.key, value: r.value, timestamp: r.timestamp, headers }]));
  }

  /** Sends what is buffered and waits until the log acknowledged every batch so far (a commit's first step). */
  async flush(): Promise<void> {
    this.sendBuffered();
    const sends = this.pending;
    this.pending = [];
    await Promise.all(sends);
  }

  /** Drops what was not sent (a dirty close). */
  discard(): void {
    this.outputs = [];
    this.changelogs = [];
  }
}
