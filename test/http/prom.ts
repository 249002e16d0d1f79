/** Test helpers: a Prometheus text-format parser (enough to check names, labels and values) and promtool. */
import { spawnSync } from 'node:child_process';

export interface PromSample { name: string; labels: Record<string, string>; value: number }

export function parseProm(text: string): { samples: PromSample[]; types: Map<string, string> } {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) types.set(t[1], t[2]);
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text format: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

/** `promtool check metrics` on the text: its output and exit code; fails clearly when promtool is missing. */
export function promtoolCheck(text: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is not installed (Debian package prometheus): run scripts/install-test-tools.sh. (${r.error.message})`);
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
