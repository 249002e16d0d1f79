/** Helpers for tests that run `streams-run` as real child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve('bin/streams-run.js');

export interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI verb to completion (stdin from `input`). */
export function cli(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<Done> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    p.stdin.end(input);
  });
}

/** A long-running `streams-run` process (an app): output is collected, `exited` resolves on exit. */
export class AppProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Done>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once stderr contains `text` (or rejects when the process exits first / after `ms`). */
  async waitFor(text: string | RegExp, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    let exited = false;
    void this.exited.then(() => (exited = true));
    const has = () => (typeof text === 'string' ? this.stderr.includes(text) : text.test(this.stderr));
    while (!has()) {
      if (exited) throw new Error(`process exited before printing ${String(text)}; stderr:\n${this.stderr}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${String(text)}; stderr:\n${this.stderr}`);
      await sleep(25);
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(f: () => Promise<boolean> | boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Kafka's LongSerializer layout (8 bytes big-endian) to a number. */
export function int64(b: Uint8Array | null): number {
  if (b === null || b.length !== 8) throw new Error(`not an int64: ${b === null ? 'null' : `${b.length} bytes`}`);
  return Number(Buffer.from(b.buffer, b.byteOffset, 8).readBigInt64BE());
}
