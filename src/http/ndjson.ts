/**
 * Query answers on the wire: one JSON object for a key, NDJSON for many rows (streamed with backpressure), and
 * other instances' answers (forwarded queries) as they come: status, content type and body unchanged.
 */
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { toJson } from './errors.ts';
import type { Answer, Row } from './query-router.ts';

/** NDJSON, streamed: lines go out in ~64 KiB chunks and the store iterator waits for 'drain', never the whole range in memory. */
export async function respond(req: http.IncomingMessage, res: http.ServerResponse, answer: Answer): Promise<void> {
  if (answer.kind === 'remote') {
    const a = answer.answer;
    res.writeHead(a.status, { 'content-type': a.contentType });
    await pipeline(a.body, res);
    return;
  }
  if (answer.kind === 'one') {
    const body = toJson(answer.row) + '\n';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const remote = answer.remote ?? [];
  let gone = false;
  const away = () => {
    gone = true;
    for (const a of remote) a.body.destroy();
  };
  req.on('close', away);
  res.on('close', away);
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
  try {
    for await (const row of answer.rows as AsyncIterable<Row>) {
      chunk += toJson(row) + '\n';
      if (chunk.length >= 65536) {
        await flush();
        if (gone) return; // leaving the loop closes the store iterator
      }
    }
    // then the other instances' rows: their NDJSON bodies, each line ends with a newline, passed on as they are
    for (const a of remote) {
      a.body.setEncoding('utf8'); // whole characters across chunks
      for await (const c of a.body) {
        chunk += c as string;
        if (chunk.length >= 65536) {
          await flush();
          if (gone) return;
        }
      }
    }
    if (chunk.length) await flush();
    res.end();
  } finally {
    for (const a of remote) if (!a.body.readableEnded) a.body.destroy();
  }
}
