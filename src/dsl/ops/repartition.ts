/**
 * Repartition topics, as Kafka Streams inserts them where a key-changing operation feeds a grouping or a
 * join: `<prefix>-repartition`, with a null-key filter, a sink and a source. Kafka always generates the
 * three KSTREAM-* names (burning the index counter) and uses them only when the prefix is itself generated.
 */
import type { Serde } from '../../api/serde.ts';
import type { TopologyGraph } from '../../topology/graph.ts';
import { repartitionName } from '../../api/topic-names.ts';


export interface RepartitionRequest {
  graph: TopologyGraph;
  parent: string;
  prefix: string;
  keySerde?: Serde<unknown>;
  valueSerde?: Serde<unknown>;
  partitions?: number;
  /** Add the null-key filter (groupings); repartition() has none. */
  nullKeyFilter: boolean;
}

/** Adds filter -> sink -> source for a repartition topic; returns the source node name. */
export function createRepartitionedSource(req: RepartitionRequest): string {
  const { graph } = req;
  const topic = repartitionName(req.prefix);
  const genSink = graph.newProcessorName('KSTREAM-SINK-');
  const genFilter = req.nullKeyFilter ? graph.newProcessorName('KSTREAM-FILTER-') : '';
  const genSource = graph.newProcessorName('KSTREAM-SOURCE-');
  const generated = /^KSTREAM.*-[0-9]{10}$/.test(req.prefix);
  const sinkName = generated ? genSink : `${topic}-sink`;
  const filterName = generated ? genFilter : `${topic}-filter`;
  const sourceName = generated ? genSource : `${topic}-source`;
  let upstream = req.parent;
  if (req.nullKeyFilter) {
    graph.addProcessor(filterName, 'repartitionFilter', [upstream], {});
    upstream = filterName;
  }
  graph.add({
    type: 'sink', name: sinkName, parents: [upstream], topic, keySerde: req.keySerde, valueSerde: req.valueSerde,
    internal: true, partitions: req.partitions,
  });
  graph.add({ type: 'source', name: sourceName, topics: [topic], keySerde: req.keySerde, valueSerde: req.valueSerde, internal: true });
  return sourceName;
}
