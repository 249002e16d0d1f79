/** Option value parsers shared by the CLI verbs: each error names the option and what it accepts. */

export const positiveInt = (option: string) => (v: string): number => {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${option} must be an integer >= 1, got '${v}'.`);
  return n;
};

/**
 * `--config key=value`: the value parses as JSON when it can (numbers, true/false, null, objects such as
 * `processingExceptionHandler={"deadLetterTopic":"dlq"}`), else it is the string itself.
 */
export function parseConfigPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`--config expects key=value, got '${p}'.`);
    const key = p.slice(0, i).trim();
    const raw = p.slice(i + 1);
    let value: unknown = raw;
    if (/^\s*[{["\d-]|^\s*(true|false|null)\s*$/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch (e) {
        if (/^\s*[{[]/.test(raw)) throw new Error(`--config ${key}: the value looks like JSON but does not parse: ${(e as Error).message}`);
      }
    }
    out[key] = value;
  }
  return out;
}
