/** Task ids (`<subtopology>_<partition>`) of a planned topology, and their spread over stream threads. */
import type { Topology } from '../../topology/topology.ts';
import type { TopicPlan } from './topics.ts';

export function taskIds(topology: Topology, plan: TopicPlan): string[] {
  const ids: string[] = [];
  for (const sub of topology.subtopologies) {
    if (sub.global) continue;
    const n = plan.subtopologies.get(sub.id)?.partitions ?? 1;
    for (let p = 0; p < n; p++) ids.push(`${sub.id}_${p}`);
  }
  return ids;
}

/** Round-robin by partition first, so each thread gets a share of every sub-topology. */
export function spread(ids: string[], threads: number): string[][] {
  const out: string[][] = Array.from({ length: threads }, () => []);
  const byPartition = [...ids].sort((a, b) => Number(a.split('_')[1]) - Number(b.split('_')[1]) || Number(a.split('_')[0]) - Number(b.split('_')[0]));
  byPartition.forEach((id, i) => out[i % threads].push(id));
  return out;
}
