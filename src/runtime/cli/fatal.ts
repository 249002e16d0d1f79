/**
 * The CLI's last word on an error: printed once. An app's failure is already on stderr (the runner logs
 * "streams-run: stopped: <why>" as it stops), so the run verb marks it as reported and main only sets the exit code.
 */
const reported = new WeakSet<object>();

export function markReported(e: unknown): unknown {
  if (e !== null && typeof e === 'object') reported.add(e);
  return e;
}

export function printFatal(e: unknown): void {
  if (e !== null && typeof e === 'object' && reported.has(e)) return;
  process.stderr.write(`streams-run: ${e instanceof Error ? e.message : String(e)}\n`);
}
