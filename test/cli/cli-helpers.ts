import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CLI = path.resolve('bin/streams-run.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs `streams-run ...args` with stdin `input`; resolves on exit. */
export function cli(args: string[], input = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

export const tmpDir = (prefix = 'trib-cli-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

export const jsonLines = (s: string): Array<Record<string, unknown>> => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
