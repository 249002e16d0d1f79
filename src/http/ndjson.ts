/** Query answers on the wire: one JSON object for a key, NDJSON for many rows (streamed with backpressure). */
import type http from 'node:http';
import { toJson } from './errors.ts';
import type { Answer, Row } from './query-router.ts';

/** NDJSON, streamed: lines go out in ~64 KiB chunks and the store iterator waits for 'drain', never the whole range in memory. */
export async function respond(req: http.IncomingMessage, res: http.ServerResponse, answer: Answer): Promise<void> {
  if (answer.kind === 'one') {
    const body = toJson(answer.row) + '\n';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  let gone = false;
  req.on('close', () => (gone = true));
  res.on('close', () => (gone = true));
  let chunk = '';
  const flush = async () => {
    if (!res.write(chunk)) await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
    chunk = '';
  };
  for await (const row of answer.rows as AsyncIterable<Row>) {
    chunk += toJson(row) + '\n';
    if (chunk.length >= 65536) {
      await flush();
      if (gone) return; // leaving the loop closes the store iterator
    }
  }
  if (chunk.length) await flush();
  res.end();
}
