/**
 * topology.describe(): Kafka's TopologyDescription text layout (sub-topologies, Source/Processor/Sink lines,
 * `-->` successors, `<--` predecessors, nodes ordered by sub-tree size then name), or mermaid / dot drawings.
 */
import type { GraphNode } from './graph.ts';
import type { NodeGraph, Subtopology } from './subtopologies.ts';

/** What describe() reads of a Topology. */
export interface DescribedTopology extends NodeGraph {
  readonly subtopologies: readonly Subtopology[];
  node(name: string): GraphNode;
}
import { JavaTreeSet, hashMapOrder } from './java-order.ts';

export interface DescribeOptions {
  format?: 'text' | 'mermaid' | 'dot';
}

export function describeTopology(t: DescribedTopology, options: DescribeOptions): string {
  const format = options.format ?? 'text';
  if (format === 'mermaid') return mermaid(t);
  if (format === 'dot') return dot(t);
  if (format !== 'text') throw new Error(`describe(): format must be 'text', 'mermaid' or 'dot', got '${String(format)}'.`);
  let out = 'Topologies:\n ';
  for (const st of t.subtopologies) out += '  ' + (st.global ? globalStore(t, st) : subtopology(t, st));
  return out;
}

interface DNode {
  name: string;
  size: number;
  preds: JavaTreeSet<DNode>;
  succs: JavaTreeSet<DNode>;
}

const nodeCmp = (a: DNode, b: DNode): number => {
  if (a === b) return 0;
  if (a.size !== b.size) return b.size - a.size;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};

/** Connects the sub-topology's nodes exactly as Kafka's InternalTopologyBuilder.describeSubtopology does. */
function connect(t: DescribedTopology, st: Subtopology): Map<string, DNode> {
  const inGroup = new Set(st.nodes);
  const nodes = new Map<string, DNode>();
  for (const name of st.nodes) nodes.set(name, { name, size: 1, preds: new JavaTreeSet(nodeCmp), succs: new JavaTreeSet(nodeCmp) });
  const updateSize = (n: DNode, delta: number): void => {
    n.size += delta;
    for (const p of n.preds.toArray()) updateSize(p, delta);
  };
  for (const name of hashMapOrder(st.nodes)) {
    const node = nodes.get(name)!;
    const n = t.node(name);
    if (n.type === 'source') continue;
    for (const p of n.parents) {
      if (!inGroup.has(p)) continue;
      const pred = nodes.get(p)!;
      node.preds.add(pred);
      pred.succs.add(node);
      updateSize(pred, node.size);
    }
  }
  return nodes;
}

function names(list: DNode[]): string {
  return list.length === 0 ? 'none' : list.map((n) => n.name).join(', ');
}

function nodeText(t: DescribedTopology, d: DNode): string {
  const n = t.node(d.name);
  const succ = d.succs.toArray();
  if (n.type === 'source') {
    const what = n.pattern ? `topics: ${n.pattern.source}` : `topics: [${n.topics.join(', ')}]`;
    return `Source: ${d.name} (${what})\n      --> ${names(succ)}`;
  }
  const pred = d.preds.toArray();
  if (n.type === 'processor') {
    return `Processor: ${d.name} (stores: [${hashMapOrder([...new Set(n.stores)]).join(', ')}])\n      --> ${names(succ)}\n      <-- ${names(pred)}`;
  }
  const topic = typeof n.topic === 'string' ? `topic: ${n.topic}` : 'extractor class: TopicNameExtractor';
  return `Sink: ${d.name} (${topic})\n      <-- ${names(pred)}`;
}

function sorted(nodes: Map<string, DNode>): DNode[] {
  return [...nodes.values()].sort(nodeCmp);
}

function subtopology(t: DescribedTopology, st: Subtopology): string {
  let s = `Sub-topology: ${st.id}\n`;
  for (const d of sorted(connect(t, st))) s += '    ' + nodeText(t, d) + '\n';
  return s + '\n';
}

function globalStore(t: DescribedTopology, st: Subtopology): string {
  let s = `Sub-topology: ${st.id} for global store (will not generate tasks)\n`;
  for (const d of sorted(connect(t, st))) s += '    ' + nodeText(t, d) + '\n';
  return s;
}

const id = (n: string) => n.replace(/[^a-zA-Z0-9_]/g, '_');

function mermaid(t: DescribedTopology): string {
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

function dot(t: DescribedTopology): string {
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
