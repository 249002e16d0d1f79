/** `streams-run topics|produce|consume --bootstrap` against the broker, cross-checked with kcat. */
import { describe, expect, inject, it } from 'vitest';
import { cli } from '../runtime/proc.ts';
import { kcatConsume, kcatProduce } from './kcat.ts';

const bootstrap = inject('kafkaBootstrap');
const topic = `cli-${Date.now().toString(36)}`;

describe('streams-run log verbs with --bootstrap', () => {
  it('topics create / list / describe / delete', async () => {
    const created = await cli(['topics', 'create', topic, '-p', '3', '--bootstrap', bootstrap]);
    expect(created.code, created.stderr).toBe(0);
    expect((await cli(['topics', 'list', '--bootstrap', bootstrap])).stdout.split('\n')).toContain(topic);
    const other = `${topic}-compacted`;
    expect((await cli(['topics', 'create', other, '--cleanup-policy', 'compact', '--bootstrap', bootstrap])).code).toBe(0);
    const d = await cli(['topics', 'describe', other, '--json', '--bootstrap', bootstrap]);
    expect(d.code, d.stderr).toBe(0);
    const desc = JSON.parse(d.stdout) as { config: { cleanupPolicy: string }; partitions: unknown[] };
    expect(desc.config.cleanupPolicy).toBe('compact');
    expect(desc.partitions).toHaveLength(1);
    expect((await cli(['topics', 'delete', other, '--bootstrap', bootstrap])).code).toBe(0);
    expect((await cli(['topics', 'list', '--bootstrap', bootstrap])).stdout.split('\n')).not.toContain(other);
    const missing = await cli(['topics', 'describe', `${topic}-missing`, '--bootstrap', bootstrap]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  it('produce writes what kcat reads; consume prints what kcat wrote; a group resumes', async () => {
    const p = await cli(['produce', topic, '--bootstrap', bootstrap], '{"key":"a","value":"x"}\n{"key":"b","value":"y"}\nplain\n');
    expect(p.code, p.stderr).toBe(0);
    expect(kcatConsume(bootstrap, topic).map((r) => `${r.key}=${r.value}`).sort()).toEqual(['a=x', 'b=y', 'null=plain']);
    kcatProduce(bootstrap, topic, [['c', 'from-kcat']]);
    const c = await cli(['consume', topic, '--from-beginning', '--bootstrap', bootstrap]);
    expect(c.code, c.stderr).toBe(0);
    const lines = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string | null; value: string });
    expect(lines.map((r) => `${r.key}=${r.value}`).sort()).toEqual(['a=x', 'b=y', 'c=from-kcat', 'null=plain']);
    const g1 = await cli(['consume', topic, '--from-beginning', '--group', `${topic}-g`, '--bootstrap', bootstrap]);
    expect(g1.stdout.trim().split('\n')).toHaveLength(4);
    const g2 = await cli(['consume', topic, '--from-beginning', '--group', `${topic}-g`, '--bootstrap', bootstrap]);
    expect(g2.stdout.trim()).toBe('');
  });

  it('a wrong address is a clear error', async () => {
    const r = await cli(['topics', 'list', '--bootstrap', 'localhost:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Kafka at localhost:1.*--bootstrap/);
  });
});
