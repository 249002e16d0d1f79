/** Machine description and the RESULTS.md row appender shared by the benchmarks. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function machine(): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()}x ${cpu}, Node ${process.versions.node}, V8 ${process.versions.v8}`;
}

const results = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'RESULTS.md');

/** Appends a table row under `## <section>` of bench/RESULTS.md, creating the section with `header` if needed. */
export function appendResult(section: string, header: string[], row: (string | number)[]): void {
  let text = fs.existsSync(results) ? fs.readFileSync(results, 'utf8') : '# Benchmark results\n';
  const title = `## ${section}`;
  const line = `| ${row.join(' | ')} |`;
  if (!text.includes(title)) {
    text = text.trimEnd() + `\n\n${title}\n\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${line}\n`;
  } else {
    const start = text.indexOf(title);
    const next = text.indexOf('\n## ', start + title.length);
    const end = next < 0 ? text.length : next;
    text = text.slice(0, end).trimEnd() + `\n${line}\n` + text.slice(end);
  }
  fs.writeFileSync(results, text);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
