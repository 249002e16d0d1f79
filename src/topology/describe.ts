/**
 * topology.describe(): Kafka's TopologyDescription text layout (sub-topologies, Source/Processor/Sink lines,
 * `-->` successors, `<--` predecessors, nodes ordered by sub-tree size then name), or mermaid / dot drawings.
 */
import type { Topology } from './topology.ts';
import type { Subtopology } from './subtopologies.ts';

export interface DescribeOptions {
  format?: 'text' | 'mermaid' | 'dot';
}

export function describeTopology(t: Topology, options: DescribeOptions): string {
  const format = options.format ?? 'text';
  if (format === 'mermaid') return mermaid(t);
  if (format === 'dot') return dot(t);
  if (format !== 'text') throw new Error(`describe(): format must be 'text', 'mermaid' or 'dot', got '${String(format)}'.`);
  let out = 'Topologies:\n ';
  for (const st of t.subtopologies) out += '  ' + (st.global ? globalStore(t, st) : subtopology(t, st));
  return out;
}

function sizes(t: Topology, st: Subtopology): Map<string, number> {
  const inGroup = new Set(st.nodes);
  const memo = new Map<string, number>();
  const size = (n: string): number => {
    const m = memo.get(n);
    if (m !== undefined) return m;
    let s = 1;
    for (const c of t.children(n)) if (inGroup.has(c)) s += size(c);
    memo.set(n, s);
    return s;
  };
  for (const n of st.nodes) size(n);
  return memo;
}

function comparator(size: Map<string, number>) {
  return (a: string, b: string): number => {
    if (a === b) return 0;
    const d = (size.get(b) ?? 1) - (size.get(a) ?? 1);
    if (d !== 0) return d;
    return a < b ? -1 : 1;
  };
}

function names(list: readonly string[], cmp: (a: string, b: string) => number): string {
  return list.length === 0 ? 'none' : [...list].sort(cmp).join(', ');
}

function nodeText(t: Topology, name: string, inGroup: Set<string>, cmp: (a: string, b: string) => number): string {
  const n = t.node(name);
  const succ = t.children(name).filter((c) => inGroup.has(c));
  if (n.type === 'source') {
    const what = n.pattern ? `topic pattern: ${n.pattern.source}` : `topics: [${n.topics.join(', ')}]`;
    return `Source: ${name} (${what})\n      --> ${names(succ, cmp)}`;
  }
  const pred = n.parents.filter((p) => inGroup.has(p));
  if (n.type === 'processor') {
    return `Processor: ${name} (stores: [${n.stores.join(', ')}])\n      --> ${names(succ, cmp)}\n      <-- ${names(pred, cmp)}`;
  }
  const topic = typeof n.topic === 'string' ? `topic: ${n.topic}` : 'extractor class: TopicNameExtractor';
  return `Sink: ${name} (${topic})\n      <-- ${names(pred, cmp)}`;
}

function subtopology(t: Topology, st: Subtopology): string {
  const cmp = comparator(sizes(t, st));
  const inGroup = new Set(st.nodes);
  let s = `Sub-topology: ${st.id}\n`;
  for (const n of [...st.nodes].sort(cmp)) s += '    ' + nodeText(t, n, inGroup, cmp) + '\n';
  return s + '\n';
}

function globalStore(t: Topology, st: Subtopology): string {
  const cmp = comparator(sizes(t, st));
  const inGroup = new Set(st.nodes);
  const [source, ...rest] = [...st.nodes].sort(cmp);
  let s = `Sub-topology: ${st.id} for global store (will not generate tasks)\n`;
  s += '    ' + nodeText(t, source, inGroup, cmp) + '\n';
  for (const n of rest) s += '    ' + nodeText(t, n, inGroup, cmp) + '\n';
  return s;
}

const id = (n: string) => n.replace(/[^a-zA-Z0-9_]/g, '_');

function mermaid(t: Topology): string {
  const lines = ['flowchart TB'];
  for (const st of t.subtopologies) {
    lines.push(`  subgraph sub${st.id}["Sub-topology ${st.id}${st.global ? ' (global store)' : ''}"]`);
    for (const name of st.nodes) {
      const n = t.node(name);
      const shape = n.type === 'source' ? `[/"${name}"/]` : n.type === 'sink' ? `[\\"${name}"\\]` : `["${name}"]`;
      lines.push(`    ${id(name)}${shape}`);
      if (n.type === 'processor') for (const s of n.stores) lines.push(`    ${id(name)} -.- store_${id(s)}[("${s}")]`);
    }
    lines.push('  end');
  }
  for (const name of t.order) {
    const n = t.node(name);
    if (n.type === 'source') for (const topic of n.topics) lines.push(`  topic_${id(topic)}{{"${topic}"}} --> ${id(name)}`);
    if (n.type !== 'source') for (const p of n.parents) lines.push(`  ${id(p)} --> ${id(name)}`);
    if (n.type === 'sink' && typeof n.topic === 'string') lines.push(`  ${id(name)} --> topic_${id(n.topic)}{{"${n.topic}"}}`);
  }
  return lines.join('\n') + '\n';
}

function dot(t: Topology): string {
  const lines = ['digraph topology {', '  rankdir=TB;'];
  for (const st of t.subtopologies) {
    lines.push(`  subgraph cluster_${st.id} {`, `    label="Sub-topology ${st.id}${st.global ? ' (global store)' : ''}";`);
    for (const name of st.nodes) {
      const n = t.node(name);
      const shape = n.type === 'source' ? 'invhouse' : n.type === 'sink' ? 'house' : 'box';
      lines.push(`    "${name}" [shape=${shape}];`);
      if (n.type === 'processor') for (const s of n.stores) lines.push(`    "${s}" [shape=cylinder]; "${name}" -> "${s}" [style=dashed, dir=none];`);
    }
    lines.push('  }');
  }
  for (const name of t.order) {
    const n = t.node(name);
    if (n.type === 'source') for (const topic of n.topics) lines.push(`  "topic:${topic}" [shape=ellipse, label="${topic}"]; "topic:${topic}" -> "${name}";`);
    if (n.type !== 'source') for (const p of n.parents) lines.push(`  "${p}" -> "${name}";`);
    if (n.type === 'sink' && typeof n.topic === 'string') lines.push(`  "topic:${n.topic}" [shape=ellipse, label="${n.topic}"]; "${name}" -> "topic:${n.topic}";`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
