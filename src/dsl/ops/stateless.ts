/** Stateless KStream operators: each appends one Kafka-named processor node. */
import type { KeyValue } from '../../api/records.ts';
import type { ProcKind, ProcParams } from '../../topology/proc-params.ts';
import type { Named } from '../options.ts';
import { checkFn, checkName, type StreamState } from '../internal.ts';

export function nodeName(s: StreamState, named: Named | undefined, prefix: string): string {
  // Kafka's NamedInternal burns an index even when the user names the operator (topology compatibility).
  const generated = s.graph.newProcessorName(prefix);
  return named?.name !== undefined ? checkName(named.name, 'Named name') : generated;
}

function append<P extends ProcKind>(s: StreamState, prefix: string, named: Named | undefined, kind: P, params: ProcParams[P], change: Partial<StreamState>): StreamState {
  const name = nodeName(s, named, prefix);
  s.graph.addProcessor(name, kind, [s.node], params);
  return { ...s, ...change, node: name };
}

type Pred = (k: unknown, v: unknown) => boolean;

export function filter(s: StreamState, predicate: Pred, not: boolean, named?: Named): StreamState {
  checkFn(predicate, not ? 'filterNot predicate' : 'filter predicate');
  return append(s, 'KSTREAM-FILTER-', named, 'filter', { predicate, not }, {});
}

export function map(s: StreamState, mapper: (k: unknown, v: unknown) => KeyValue<unknown, unknown>, named?: Named): StreamState {
  checkFn(mapper, 'map mapper');
  return append(s, 'KSTREAM-MAP-', named, 'map', { mapper }, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
}

export function mapValues(s: StreamState, mapper: (v: unknown, k: unknown) => unknown, named?: Named): StreamState {
  checkFn(mapper, 'mapValues mapper');
  return append(s, 'KSTREAM-MAPVALUES-', named, 'mapValues', { mapper }, { valueSerde: undefined });
}

export function flatMap(s: StreamState, mapper: (k: unknown, v: unknown) => Iterable<KeyValue<unknown, unknown>>, named?: Named): StreamState {
  checkFn(mapper, 'flatMap mapper');
  return append(s, 'KSTREAM-FLATMAP-', named, 'flatMap', { mapper }, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
}

export function flatMapValues(s: StreamState, mapper: (v: unknown, k: unknown) => Iterable<unknown>, named?: Named): StreamState {
  checkFn(mapper, 'flatMapValues mapper');
  return append(s, 'KSTREAM-FLATMAPVALUES-', named, 'flatMapValues', { mapper }, { valueSerde: undefined });
}

export function selectKey(s: StreamState, selector: (k: unknown, v: unknown) => unknown, named?: Named): StreamState {
  checkFn(selector, 'selectKey selector');
  return append(s, 'KSTREAM-KEY-SELECT-', named, 'selectKey', { selector }, { keySerde: undefined, repartitionRequired: true });
}

export function peek(s: StreamState, action: (k: unknown, v: unknown) => void, named?: Named): StreamState {
  checkFn(action, 'peek action');
  return append(s, 'KSTREAM-PEEK-', named, 'peek', { action, forward: true }, {});
}

export function foreach(s: StreamState, action: (k: unknown, v: unknown) => void, named?: Named): void {
  checkFn(action, 'foreach action');
  append(s, 'KSTREAM-FOREACH-', named, 'peek', { action, forward: false }, {});
}

export function print(s: StreamState, label: string | undefined, named?: Named): void {
  const out = (line: string): void => void process.stdout.write(line + '\n');
  append(s, 'KSTREAM-PRINTER-', named, 'print', { label: label ?? '', print: out }, {});
}

export function merge(s: StreamState, other: StreamState, named?: Named): StreamState {
  if (other.graph !== s.graph) throw new Error('merge: both streams must come from the same StreamsBuilder.');
  const name = nodeName(s, named, 'KSTREAM-MERGE-');
  s.graph.addProcessor(name, 'passthrough', [s.node, other.node], {});
  const sameKey = s.keySerde === other.keySerde ? s.keySerde : undefined;
  const sameValue = s.valueSerde === other.valueSerde ? s.valueSerde : undefined;
  return { ...s, node: name, keySerde: sameKey, valueSerde: sameValue, repartitionRequired: s.repartitionRequired || other.repartitionRequired };
}
