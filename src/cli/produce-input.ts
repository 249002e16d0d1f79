/**
 * `produce`'s input rule (API.md section 6): a line starting with `{` is the envelope
 * `{"key"?, "value", "timestamp"?, "headers"?, "partition"?}` and must parse; any other line is a plain value
 * with a null key. Key and value are encoded with the formats (formats.ts). Errors name the line.
 */
import type { ProducerRecord } from '../log-store/index.ts';
import { encodeField, encodeLine, type Format } from './formats.ts';

const FIELDS = new Set(['key', 'value', 'timestamp', 'headers', 'partition']);
const ENVELOPE = '{"key"?, "value", "timestamp"?, "headers"?, "partition"?}';

export interface LineFormats { keyFormat?: Format; valueFormat?: Format }

function envelope(topic: string, line: string, f: LineFormats): ProducerRecord {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch (e) {
    throw new Error(`a line starting with '{' is an envelope ${ENVELOPE} and must be JSON: ${(e as Error).message}`);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error(`not an envelope ${ENVELOPE}`);
  const env = o as Record<string, unknown>;
  const unknown = Object.keys(env).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0 || !('value' in env)) {
    const what = unknown.length > 0 ? `unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}` : 'no "value" field';
    throw new Error(`${what} in an envelope ${ENVELOPE}; to send a JSON object as the value, wrap it: {"value": {...}}`);
  }
  const { timestamp, partition, headers } = env;
  if (timestamp !== undefined && !(typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0))
    throw new Error(`"timestamp" must be milliseconds since the epoch (an integer >= 0), got ${JSON.stringify(timestamp)}`);
  if (partition !== undefined && !(typeof partition === 'number' && Number.isInteger(partition) && partition >= 0))
    throw new Error(`"partition" must be an integer >= 0, got ${JSON.stringify(partition)}`);
  if (headers !== undefined && (headers === null || typeof headers !== 'object' || Array.isArray(headers)))
    throw new Error(`"headers" must be an object of name: value, got ${JSON.stringify(headers)}`);
  const hs: Record<string, string> = {};
  for (const [k, v] of Object.entries((headers as Record<string, unknown> | undefined) ?? {}))
    hs[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    topic,
    key: encodeField(env.key, f.keyFormat, 'the key'),
    value: encodeField(env.value, f.valueFormat, 'the value'),
    headers: hs,
    ...(timestamp !== undefined ? { timestamp: timestamp as number } : {}),
    ...(partition !== undefined ? { partition: partition as number } : {}),
  };
}

/** One input line as a record; throws an Error naming the line number when it breaks the rule. */
export function parseLine(topic: string, line: string, lineNo: number, f: LineFormats = {}): ProducerRecord {
  try {
    if (line.startsWith('{')) return envelope(topic, line, f);
    return { topic, key: null, value: encodeLine(line, f.valueFormat) };
  } catch (e) {
    throw new Error(`line ${lineNo}: ${(e as Error).message}`);
  }
}
