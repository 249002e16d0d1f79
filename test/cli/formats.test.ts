import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';
import { decodeBytes, encodeField, encodeLine, jsonLine, parseFormat } from '../../src/cli/formats.ts';
import { parseLine } from '../../src/cli/produce-input.ts';

const k = (f: string) => parseFormat(f, true);
const v = (f: string) => parseFormat(f, false);
const bytes = (b: Uint8Array | string | null | undefined) => (typeof b === 'string' ? Buffer.from(b) : b);

describe('produce/consume formats', () => {
  it('encode with the serdes\' byte layouts (Java\'s) and decode back', () => {
    expect(encodeField(7, v('int32'), 'the value')).toEqual(Buffer.from(serdes.int32().serialize(7)!));
    expect(encodeField(-5, v('int64'), 'the value')).toEqual(Buffer.from(serdes.int64().serialize(-5)!));
    expect(encodeField(1.5, v('float64'), 'the value')).toEqual(Buffer.from(serdes.float64().serialize(1.5)!));
    expect(encodeField({ a: [1] }, v('json'), 'the value')).toEqual(Buffer.from(serdes.json().serialize({ a: [1] })!));
    expect(encodeField('aGk=', v('base64'), 'the value')).toEqual(Buffer.from('hi'));
    const win = { key: 'a', window: { start: 60_000 } };
    expect(encodeField(win, k('windowed:string'), 'the key')).toEqual(Buffer.from(serdes.windowed(serdes.string()).serialize({ key: 'a', window: { start: 60_000, end: 120_000 } })!));
    const ses = { key: 'a', window: { start: 10, end: 99 } };
    expect(encodeField(ses, k('session:string'), 'the key')).toEqual(Buffer.from(serdes.sessionWindowed(serdes.string()).serialize(ses)!));
    expect(decodeBytes(encodeField(win, k('windowed:string'), 'the key'), k('windowed:string'))).toEqual(win);
    expect(decodeBytes(encodeField(ses, k('session:string'), 'the key'), k('session:string'))).toEqual(ses);
    expect(decodeBytes(serdes.int32().serialize(-3), v('int32'))).toBe(-3);
    expect(decodeBytes(null, v('json'))).toBeNull();
  });

  it('int64 beyond 2^53: from a string, back as a bigint, printed exactly', () => {
    const b = encodeField('9223372036854775807', v('int64'), 'the value');
    expect(decodeBytes(b, v('int64'))).toBe(9223372036854775807n);
    expect(jsonLine({ value: decodeBytes(b, v('int64')), s: 'x' })).toBe('{"value":9223372036854775807,"s":"x"}');
    expect(() => encodeField(2 ** 60, v('int64'), 'the value')).toThrow(/not an exact integer.*as a string/);
    expect(() => encodeField('9223372036854775808', v('int64'), 'the value')).toThrow(/outside the int64 range/);
  });

  it('plain lines: the text for string and json (checked), numbers parsed', () => {
    expect(encodeLine('hello', undefined)).toEqual(Buffer.from('hello'));
    expect(encodeLine('[1,2]', v('json'))).toEqual(Buffer.from('[1,2]'));
    expect(() => encodeLine('hello', v('json'))).toThrow(/not JSON/);
    expect(encodeLine('42', v('int32'))).toEqual(Buffer.from(serdes.int32().serialize(42)!));
    expect(() => encodeLine('4x', v('int32'))).toThrow(/not an integer/);
  });

  it('rejects unknown formats and window formats for values, naming the allowed ones', () => {
    expect(() => parseFormat('jsn', false)).toThrow("unknown value format 'jsn': use one of string, json, int32, int64, float64, base64");
    expect(() => parseFormat('windowed:string', false)).toThrow(/unknown value format/);
    expect(() => parseFormat('windowed:nope', true)).toThrow(/windowed:<F>, session:<F>/);
  });

  it('decode errors say what the bytes are', () => {
    expect(() => decodeBytes(Buffer.from('abc'), v('int32'))).toThrow('3 bytes, but int32 needs 4');
    expect(() => decodeBytes(Buffer.from('{oops'), v('json'))).toThrow(SyntaxError);
    expect(() => decodeBytes(Buffer.from('abc'), k('session:string'))).toThrow(/at least 16/);
  });
});

describe('produce input rule (API.md section 6)', () => {
  it('an envelope line: key and value with the formats, default string for a string and JSON otherwise', () => {
    const r = parseLine('t', '{"key":"k","value":{"n":1},"timestamp":5,"headers":{"h":"x"},"partition":1}', 1);
    expect(r).toEqual({ topic: 't', key: Buffer.from('k'), value: Buffer.from('{"n":1}'), timestamp: 5, headers: { h: 'x' }, partition: 1 });
    expect(bytes(parseLine('t', '{"value":null}', 1).value)).toBeNull();
    expect(bytes(parseLine('t', '{"key":3,"value":"9007199254740993"}', 1, { keyFormat: k('int32'), valueFormat: v('int64') }).value))
      .toEqual(Buffer.from(serdes.bigint64().serialize(9007199254740993n)!));
  });

  it('any other line is a plain value with a null key', () => {
    expect(parseLine('t', 'hello {x}', 1)).toEqual({ topic: 't', key: null, value: Buffer.from('hello {x}') });
    expect(parseLine('t', ' {"value":1}', 1).key).toBeNull();
  });

  it('a line starting with { that is not an envelope is an error naming its line', () => {
    expect(() => parseLine('t', '{"key":"a","value":', 3)).toThrow(/^line 3: a line starting with '\{' is an envelope .* must be JSON/);
    expect(() => parseLine('t', '{"user":"a"}', 4)).toThrow(/^line 4: unknown field\(s\) "user" .* wrap it: \{"value": \{\.\.\.\}\}/);
    expect(() => parseLine('t', '{"key":"a"}', 5)).toThrow(/^line 5: no "value" field/);
    expect(() => parseLine('t', '{"value":1,"timestamp":"soon"}', 6)).toThrow(/^line 6: "timestamp" must be milliseconds/);
    expect(() => parseLine('t', '{"value":"x"}', 7, { valueFormat: v('int32') })).toThrow(/^line 7: the value "x" is not an integer/);
    expect(() => parseLine('t', '{"key":{"key":"a"},"value":1}', 8, { keyFormat: k('windowed:string') })).toThrow(/^line 8: the key must be \{ "key"/);
  });
});
