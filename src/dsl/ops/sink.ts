/** KStream.to and KStream.repartition. */
import type { StreamRecord } from '../../api/records.ts';
import type { Partitioner, TopicNameExtractor } from '../../topology/graph.ts';
import type { Produced, RepartitionOptions } from '../options.ts';
import { asUnknownSerde, checkName, type StreamState } from '../internal.ts';
import { createRepartitionedSource } from './repartition.ts';

export function to<K, V>(s: StreamState, topic: string | ((r: StreamRecord<K, V>) => string), produced?: Produced<K, V>): void {
  if (typeof topic === 'string') checkName(topic, 'to() topic');
  else if (typeof topic !== 'function') throw new TypeError('to(): the topic must be a topic name or a function of the record returning one.');
  const generated = s.graph.newProcessorName('KSTREAM-SINK-');
  const name = produced?.name !== undefined ? checkName(produced.name, 'Produced name') : generated;
  s.graph.add({
    type: 'sink', name, parents: [s.node],
    topic: typeof topic === 'string' ? topic : (topic as TopicNameExtractor),
    keySerde: asUnknownSerde(produced?.key) ?? s.keySerde,
    valueSerde: asUnknownSerde(produced?.value) ?? s.valueSerde,
    partitioner: produced?.partitioner as Partitioner | undefined,
    internal: false,
  });
}

export function repartition<K, V>(s: StreamState, opts: RepartitionOptions<K, V> = {}): StreamState {
  if (opts.partitions !== undefined && (!Number.isInteger(opts.partitions) || opts.partitions < 1)) {
    throw new RangeError(`repartition(): partitions must be a positive integer, got ${opts.partitions}.`);
  }
  const prefix = opts.name !== undefined ? checkName(opts.name, 'repartition name') : s.graph.newProcessorName('KSTREAM-REPARTITION-');
  const keySerde = asUnknownSerde(opts.key) ?? s.keySerde;
  const valueSerde = asUnknownSerde(opts.value) ?? s.valueSerde;
  const source = createRepartitionedSource({ graph: s.graph, parent: s.node, prefix, keySerde, valueSerde, partitions: opts.partitions, nullKeyFilter: true });
  return { ...s, node: source, keySerde, valueSerde, repartitionRequired: false };
}
