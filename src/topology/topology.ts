/**
 * Topology: the frozen result of StreamsBuilder.build(). Resolves which KTable nodes send old values (and which
 * source tables must materialize for that), splits the graph into sub-topologies as Kafka numbers them, and
 * describes itself in Kafka's TopologyDescription layout.
 */
import type { GraphNode, ProcessorNode, SinkNode, SourceNode, StoreSpec, TopologyGraph } from './graph.ts';
import { computeSubtopologies, type Subtopology } from './subtopologies.ts';
import { describeTopology, type DescribeOptions } from './describe.ts';
import { resolveOldValues } from './old-values.ts';

export class Topology {
  private readonly childMap = new Map<string, string[]>();

  // The graph, for the runtime and the test driver: @internal members are left out of the package's types.
  /** @internal */ readonly nodes: ReadonlyMap<string, GraphNode>;
  /** @internal */ readonly order: readonly string[];
  /** @internal */ readonly stores: ReadonlyMap<string, StoreSpec>;
  /** @internal */ readonly sendOldValues: ReadonlySet<string>;
  /** @internal */ readonly copartitionGroups: readonly (readonly string[])[];

  private constructor(
    nodes: ReadonlyMap<string, GraphNode>,
    order: readonly string[],
    stores: ReadonlyMap<string, StoreSpec>,
    sendOldValues: ReadonlySet<string>,
    copartitionGroups: readonly (readonly string[])[],
  ) {
    this.nodes = nodes;
    this.order = order;
    this.stores = stores;
    this.sendOldValues = sendOldValues;
    this.copartitionGroups = copartitionGroups;
    for (const name of order) this.childMap.set(name, []);
    for (const name of order) {
      const n = nodes.get(name)!;
      if (n.type !== 'source') for (const p of n.parents) this.childMap.get(p)!.push(name);
    }
    this.subtopologies = computeSubtopologies(this);
  }

  /** @internal */
  readonly subtopologies: readonly Subtopology[];

  /** @internal */
  static fromGraph(graph: TopologyGraph): Topology {
    const stores = new Map(graph.stores);
    const nodes = new Map(graph.nodes);
    const sendOld = resolveOldValues(graph, nodes, stores);
    validate(nodes, stores, graph.order);
    return new Topology(nodes, [...graph.order], stores, sendOld, graph.copartitionGroups.map((g) => [...g]));
  }

  /** @internal */
  children(name: string): readonly string[] {
    return this.childMap.get(name) ?? [];
  }

  /** @internal */
  node(name: string): GraphNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`Topology has no node named '${name}'.`);
    return n;
  }

  /** @internal */
  sources(): SourceNode[] {
    return this.order.map((n) => this.nodes.get(n)!).filter((n): n is SourceNode => n.type === 'source');
  }

  /** @internal */
  sinks(): SinkNode[] {
    return this.order.map((n) => this.nodes.get(n)!).filter((n): n is SinkNode => n.type === 'sink');
  }

  /** @internal */
  processors(): ProcessorNode[] {
    return this.order.map((n) => this.nodes.get(n)!).filter((n): n is ProcessorNode => n.type === 'processor');
  }

  /** The source node reading `topic` (by name or pattern), if any. */
  /** @internal */
  sourceFor(topic: string): SourceNode | undefined {
    return this.sources().find((s) => s.topics.includes(topic) || (s.pattern !== undefined && s.pattern.test(topic) && !s.internal));
  }

  /** The first sink writing to `topic` by name, if any. */
  /** @internal */
  sinkFor(topic: string): SinkNode | undefined {
    return this.sinks().find((s) => s.topic === topic);
  }

  /** Kafka's TopologyDescription text, or a mermaid / dot drawing of the same graph. */
  describe(options: DescribeOptions = {}): string {
    return describeTopology(this, options);
  }

  toString(): string {
    return this.describe();
  }
}

function validate(nodes: ReadonlyMap<string, GraphNode>, stores: ReadonlyMap<string, StoreSpec>, order: readonly string[]): void {
  for (const name of order) {
    const n = nodes.get(name)!;
    if (n.type !== 'processor') continue;
    for (const s of n.stores) {
      if (!stores.has(s)) {
        throw new Error(`Topology: processor '${name}' uses store '${s}', which was never added; add it with builder.addStateStore({ name: '${s}', ... }).`);
      }
    }
  }
}
