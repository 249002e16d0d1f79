/**
 * The runtime's one logger (API.md section 6: `--log-level error|warn|info|debug`, `--log-format text|json`).
 * Both formats go through pino, so levels filter the same way: `json` writes pino's NDJSON lines (level as a
 * label, ISO time, structured fields) for production log pipelines; `text` (the default) renders each line as
 * `streams-run: <message>` for people, with `warning:`/`error:`/`debug:` in front of the other levels.
 * In text format on a TTY, a status line can sit below the log lines: it is redrawn in place, and every log
 * line first clears it and then redraws it underneath.
 */
import { createRequire } from 'node:module';
import type { Logger as Pino } from 'pino';

/** pino, loaded when the first logger is made (the CLI's first line, or an app's first warning). */
const loadPino = (): typeof import('pino').pino => (createRequire(import.meta.url)('pino') as typeof import('pino')).pino;

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'text' | 'json';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
export type LogFields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** True when status() draws an in-place line (text format on a TTY); otherwise status goes to periodic log lines. */
  readonly interactive: boolean;
  /** Replaces the in-place status line (interactive only); null removes it. */
  status(line: string | null): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go (default process.stderr). */
  stream?: { write(s: string): unknown; isTTY?: boolean };
  /** Overrides the TTY detection of `stream` (tests). */
  tty?: boolean;
}

export function parseLevel(s: string | undefined): LogLevel {
  if (s === undefined) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(s)) return s as LogLevel;
  throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${s}'.`);
}

export function parseFormat(s: string | undefined): LogFormat {
  if (s === undefined || s === 'text' || s === 'json') return s ?? 'text';
  throw new Error(`--log-format must be text or json, got '${s}'.`);
}

const CLEAR = '\r\x1b[2K';
const PREFIX: Record<string, string> = { error: 'error: ', warn: 'warning: ', info: '', debug: 'debug: ' };

export function createLogger(o: LoggerOptions = {}): Logger {
  const pino = loadPino();
  const level = o.level ?? 'info';
  const format = o.format ?? 'text';
  const out = o.stream ?? process.stderr;
  const interactive = format === 'text' && (o.tty ?? out.isTTY === true);
  let statusLine: string | null = null;
  const dest = format === 'json'
    ? (o.stream ? { write: (s: string) => out.write(s) } : pino.destination({ dest: 2, sync: true }))
    : {
      write(s: string) {
        const rec = JSON.parse(s) as { level: string; msg?: string };
        const line = `streams-run: ${PREFIX[rec.level] ?? ''}${rec.msg ?? ''}\n`;
        out.write(statusLine !== null ? `${CLEAR}${line}${statusLine}` : line);
      },
    };
  // The app's own stdout (print(), console.log) on the same terminal: clear the status line first, redraw it after.
  let hooked = false;
  const hookStdout = () => {
    if (hooked || !process.stdout.isTTY || out !== process.stderr) return;
    hooked = true;
    const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
    process.stdout.write = ((...args: unknown[]) => {
      if (statusLine === null) return write(...args);
      out.write(CLEAR);
      const r = write(...args);
      out.write(statusLine);
      return r;
    }) as typeof process.stdout.write;
  };
  const p: Pino = pino({
    level,
    base: format === 'json' ? { pid: process.pid } : undefined,
    timestamp: format === 'json' ? pino.stdTimeFunctions.isoTime : false,
    formatters: { level: (label) => ({ level: label }) },
  }, dest);
  const at = (l: LogLevel) => (message: string, fields?: LogFields) => {
    if (fields) p[l](fields, message);
    else p[l](message);
  };
  return {
    error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'),
    enabled: (l) => p.isLevelEnabled(l),
    level, format, interactive,
    status(line) {
      if (!interactive) return;
      if (line !== null) hookStdout();
      const columns = (out as { columns?: number }).columns;
      if (line !== null && columns && line.length >= columns) line = line.slice(0, columns - 2) + '…';
      if (line === null) {
        if (statusLine !== null) out.write(CLEAR);
      } else out.write(CLEAR + line);
      statusLine = line;
    },
  };
}

let root: Logger | null = null;

/** The process's logger: configured by `streams-run` from its flags, else text at info level on stderr. */
export function rootLogger(): Logger {
  return (root ??= createLogger());
}

export function setRootLogger(logger: Logger): void {
  root = logger;
}

/**
 * Adapts the runner's `onLog(line, level?)` callbacks (task warnings, a stopped loop) to the logger: the
 * `streams-run: ` some messages carry is dropped (the text format adds its own), the level defaults to warn.
 */
export function logLine(logger?: Logger): (line: string, level?: LogLevel, fields?: LogFields) => void {
  // the root logger is made at the first line, not before: a quiet start does not load pino
  return (line, level = 'warn', fields) => (logger ?? rootLogger())[level](line.startsWith('streams-run: ') ? line.slice(13) : line, fields);
}

const reported = new WeakSet<object>();

/** Marks an error as already logged (the CLI's last-resort handler then does not print it again). */
export function markReported<E>(e: E): E {
  if (typeof e === 'object' && e !== null) reported.add(e);
  return e;
}

export function wasReported(e: unknown): boolean {
  return typeof e === 'object' && e !== null && reported.has(e);
}
