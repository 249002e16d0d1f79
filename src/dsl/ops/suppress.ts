/**
 * KTable.suppress (Kafka's KTableImpl.suppress): the processor name (Suppressed.withName or KTABLE-SUPPRESS-),
 * then the buffer store (`<name>-store` or KTABLE-SUPPRESS-STATE-STORE-), logged; the parent table sends old
 * values. untilWindowCloses waits for the grace of the windowed aggregation upstream (sessions: gap + grace).
 */
import type { TopologyGraph } from '../../topology/graph.ts';
import type { ProcParams } from '../../topology/proc-params.ts';
import type { Suppressed } from '../../windowing/suppressed.ts';
import { checkName, type TableState } from '../internal.ts';

export function suppress(t: TableState, s: Suppressed): TableState {
  if (s?.kind !== 'untilWindowCloses' && s?.kind !== 'untilTimeLimit') {
    throw new TypeError('KTable.suppress needs Suppressed.untilWindowCloses(...) or Suppressed.untilTimeLimit(...).');
  }
  const { graph } = t;
  const name = s.name !== undefined ? checkName(s.name, 'Suppressed name') : graph.newProcessorName('KTABLE-SUPPRESS-');
  const storeName = s.name !== undefined ? `${s.name}-store` : graph.newStoreName('KTABLE-SUPPRESS-');
  const b = s.bufferConfig;
  const params: ProcParams['suppress'] = s.kind === 'untilWindowCloses'
    ? { storeName, bufferTime: 'windowEnd', suppressDurationMs: windowCloseDelay(graph, t.node, name), maxRecords: b.maxRecords, maxBytes: b.maxBytes, onFull: b.onFull, safeToDropTombstones: true }
    : { storeName, bufferTime: 'record', suppressDurationMs: s.timeToWaitMs, maxRecords: b.maxRecords, maxBytes: b.maxBytes, onFull: b.onFull, safeToDropTombstones: false };
  graph.addStore({ name: storeName, kind: 'suppressBuffer', keySerde: t.keySerde, valueSerde: t.valueSerde, logging: true, caching: false });
  graph.addProcessor(name, 'suppress', [t.node], params, [storeName]);
  graph.enableSendingOldValues(t.node, true);
  return { ...t, node: name, storeName: null };
}

/** Kafka's GraphGraceSearchUtil: the smallest grace among the windowed aggregations upstream of `node`. */
function windowCloseDelay(graph: TopologyGraph, node: string, suppressName: string): number {
  const search = (name: string): number => {
    const n = graph.nodes.get(name);
    if (!n || n.type !== 'processor') {
      throw new Error(`${suppressName}: Suppressed.untilWindowCloses needs a windowed KTable (a windowedBy(...) aggregation upstream), but '${name}' is reached first; use Suppressed.untilTimeLimit for other tables.`);
    }
    switch (n.kind) {
      case 'timeWindowAggregate': return (n.params as ProcParams['timeWindowAggregate']).windows.graceMs;
      case 'slidingWindowAggregate': return (n.params as ProcParams['slidingWindowAggregate']).windows.graceMs;
      case 'sessionWindowAggregate': {
        const w = (n.params as ProcParams['sessionWindowAggregate']).windows;
        return w.graceMs + w.inactivityGapMs;
      }
      case 'ktableSource':
      case 'streamAggregate':
      case 'streamReduce':
      case 'ktableAggregate':
      case 'ktableReduce':
        throw new Error(`${suppressName}: Suppressed.untilWindowCloses needs a windowed KTable, but '${name}' is not windowed; use Suppressed.untilTimeLimit for other tables.`);
      default:
        return Math.min(...n.parents.map(search));
    }
  };
  return search(node);
}
