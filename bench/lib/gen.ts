/**
 * Seeded input generators shared by the benchmarks (same seed -> same bytes): `user-N` keys uniform
 * over K or zipf(K, s), `json120` event values (~120 B serialized) and `bytes100` values.
 */

/**
 * Base of record timestamps: today's UTC midnight. Recent on purpose: the log's default 7-day retention
 * deletes segments whose records are older (a fixed 2023 base lost the input before the app read it).
 */
export const TS_BASE = Math.floor(Date.now() / 86_400_000) * 86_400_000;

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type KeyDist = { kind: 'uniform'; k: number } | { kind: 'zipf'; k: number; s: number } | { kind: 'sequential'; k: number };

/** Key indexes drawn from `dist` (zipf through a precomputed CDF and binary search). */
export function keyIndexes(dist: KeyDist, random: () => number): () => number {
  if (dist.kind === 'uniform') return () => Math.floor(random() * dist.k);
  if (dist.kind === 'sequential') {
    let i = 0;
    return () => i++ % dist.k;
  }
  const cdf = new Float64Array(dist.k);
  let sum = 0;
  for (let i = 0; i < dist.k; i++) cdf[i] = sum += 1 / Math.pow(i + 1, dist.s);
  for (let i = 0; i < dist.k; i++) cdf[i] /= sum;
  return () => {
    const u = random();
    let lo = 0, hi = dist.k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const TYPES = ['click', 'view', 'purchase', 'scroll', 'login'];

/** An event object of about 120 bytes once JSON-serialized; `amount` is uniform in [0, 100). */
export function json120(random: () => number, user: number, ts: number): Record<string, unknown> {
  return {
    user: `user-${user}`,
    type: TYPES[Math.floor(random() * TYPES.length)],
    page: `/p/${Math.floor(random() * 10_000)}`,
    amount: Math.round(random() * 10_000) / 100,
    ts,
    session: Math.floor(random() * 2 ** 48).toString(36).padStart(10, '0'),
  };
}

/** 100 bytes of lowercase letters. */
export function bytes100(random: () => number): Uint8Array {
  const b = Buffer.allocUnsafe(100);
  for (let i = 0; i < 100; i++) b[i] = 97 + Math.floor(random() * 26);
  return b;
}

/** Peak RSS so far in MB (process.resourceUsage().maxRSS is in KiB). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Total size of the files under `dir` in bytes. */
export async function duBytes(dir: string): Promise<number> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  let n = 0;
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) n += fs.statSync(p).size;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return n;
}
