/**
 * Sizes against a topic's maxMessageBytes (Kafka's max.message.bytes: the largest record batch the log
 * accepts, 1 MiB + 12 bytes of log overhead by default). A record is refused when a batch holding only it is
 * larger; sends are cut into batches that stay within the limit.
 */
import { HEADER_SIZE, varintSize, type RecordIn } from '../../record-format/record-batch.ts';

const len = (b: RecordIn['key']) => (b === null || b === undefined ? -1 : typeof b === 'string' ? Buffer.byteLength(b) : b.length);

/** Exact size of a RecordBatch v2 holding only this record (offset and timestamp deltas 0). */
export function singleRecordBatchSize(r: RecordIn): number {
  const kl = len(r.key);
  const vl = len(r.value);
  let body = 3 + varintSize(kl) + Math.max(kl, 0) + varintSize(vl) + Math.max(vl, 0);
  let hc = 0;
  const h = r.headers;
  if (h) {
    for (const name in h) {
      const hk = Buffer.byteLength(name);
      const hv = len(h[name]);
      body += varintSize(hk) + hk + varintSize(hv) + Math.max(hv, 0);
      hc++;
    }
  }
  body += varintSize(hc);
  return HEADER_SIZE + varintSize(body) + body;
}

/** Bytes a record adds to a batch at most (its deltas may take up to 10 + 5 bytes instead of 1 + 1). */
export const sizeInBatch = (singleBatchSize: number) => singleBatchSize - HEADER_SIZE + 14;

export const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

export function tooLargeMessage(topic: string, partition: number, size: number, max: number): string {
  return `a record of ${size} bytes (as a record batch) for topic '${topic}' partition ${partition} is larger than the topic's ` +
    `maxMessageBytes ${max} (Kafka's max.message.bytes, default ${DEFAULT_MAX_MESSAGE_BYTES} = 1 MiB + 12 bytes of log overhead); ` +
    'nothing of this send was written. Send smaller records, or raise the limit for the topic ' +
    `(admin.createTopic('${topic}', { maxMessageBytes }) or 'streams-run topics create ${topic} --max-message-bytes <n>').`;
}
