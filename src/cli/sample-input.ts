/**
 * Sample input for demos: an app module may export `sampleInput = { '<topic>': ['line', { key, value, timestamp? }, ...] }`.
 * `streams-run app.ts` then creates each listed topic that is missing or empty and produces the records
 * (string values as-is, other values JSON-encoded), so `npx streams-run examples/wordcount.ts` shows results
 * on a fresh machine. Topics that already hold records are left alone.
 */
import { LogStore } from '../log-store/index.ts';
import { importUserModule } from '../app/load-module.ts';

export type SampleRecord = string | { key?: string | null; value: unknown; timestamp?: number };

const bytes = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

export async function seedSampleInput(file: string, dataDir: string, say: (line: string) => void): Promise<void> {
  const mod = (await importUserModule(file)) as { sampleInput?: Record<string, SampleRecord[]> };
  const sample = mod.sampleInput;
  if (!sample || typeof sample !== 'object') return;
  const log = await LogStore.open(dataDir, { ifLocked: 'connect' });
  try {
    for (const [topic, records] of Object.entries(sample)) {
      const exists = (await log.admin.listTopics()).includes(topic);
      if (exists && (await log.admin.describeTopic(topic)).partitions.some((p) => p.endOffset > p.startOffset)) continue;
      if (!exists) await log.admin.createTopic(topic, { partitions: 1 });
      await log.producer().sendBatch(records.map((r) => (typeof r === 'string'
        ? { topic, key: null, value: r }
        : { topic, key: r.key ?? null, value: bytes(r.value), ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}) })));
      say(`streams-run: seeded ${records.length} sample records into '${topic}' (the app's sampleInput)`);
    }
  } finally {
    await log.close();
  }
}
