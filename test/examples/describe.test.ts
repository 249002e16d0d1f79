/** describe() snapshots of every example app under examples/ (text, mermaid and dot). */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/index.ts';

const dir = fileURLToPath(new URL('../../examples/', import.meta.url));
const examples = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();

describe('describe() of the examples', () => {
  it('finds the examples', () => {
    expect(examples).toContain('wordcount.ts');
  });

  for (const file of examples) {
    it(file, async () => {
      const app = (await import(pathToFileURL(dir + file).href)).default as App;
      expect(typeof app?.topology, `${file} must default-export a defineApp(...) app`).toBe('function');
      const topology = app.topology();
      expect(topology.describe()).toMatchSnapshot('text');
      expect(topology.describe({ format: 'mermaid' })).toMatchSnapshot('mermaid');
      expect(topology.describe({ format: 'dot' })).toMatchSnapshot('dot');
      expect(app.topology().describe()).toBe(topology.describe()); // deterministic
    });
  }
});
