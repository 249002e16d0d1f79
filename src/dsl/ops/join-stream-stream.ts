/**
 * KStream-KStream join/leftJoin/outerJoin (Kafka's KStreamImpl.doJoin + KStreamImplJoin): repartition topics
 * for sides whose key changed, a KSTREAM-WINDOWED processor per side writing its window store
 * (`<JOINTHIS|OUTERTHIS>-…-store` / `<JOINOTHER|OUTEROTHER>-…-store`, retain duplicates, retention
 * before + after + grace), the two join processors, the shared store of non-joined records for left/outer
 * joins (`KSTREAM-OUTERSHARED-…-store`), and a KSTREAM-MERGE. StreamJoined names: `<name>-this-windowed`,
 * `<name>-outer-this-join`, ..., stores `<storeName>-outer-this-join-store`, ....
 */
import type { JoinWindows } from '../../windowing/join-windows.ts';
import type { StoreSpec } from '../../topology/graph.ts';
import { bytes } from '../../serdes/bytes.ts';
import { checkFn, type StreamState } from '../internal.ts';
import { checkJoinOptions, copartition, repartitionForJoin, serdeOf, type AnyJoinOptions } from './join-common.ts';

export type StreamJoinMode = 'inner' | 'left' | 'outer';

export function streamStreamJoin(
  left: StreamState, right: StreamState, joiner: (v1: unknown, v2: unknown) => unknown, windows: JoinWindows, mode: StreamJoinMode, options?: AnyJoinOptions,
): StreamState {
  checkFn(joiner, `${mode === 'inner' ? 'join' : mode + 'Join'} joiner`);
  if (!windows || windows.kind !== 'join') throw new TypeError('stream-stream join: pass JoinWindows.of({ timeDifference, ... }) as the third argument.');
  checkJoinOptions(options);
  if (left.graph !== right.graph) throw new Error('join: both streams must come from the same StreamsBuilder.');
  const { graph } = left;
  const name = options?.name;
  // A side without a key serde takes the other side's, so both hash keys alike on their repartition topics.
  const thisIn = repartitionForJoin(left, name !== undefined ? `${name}-left` : left.node, serdeOf(options?.key) ?? (left.keySerde ? undefined : right.keySerde), serdeOf(options?.value));
  const otherIn = repartitionForJoin(right, name !== undefined ? `${name}-right` : right.node, serdeOf(options?.key) ?? (right.keySerde ? undefined : left.keySerde), serdeOf(options?.otherValue));
  const leftOuter = mode !== 'inner';
  const rightOuter = mode === 'outer';
  const thisSuffix = rightOuter ? '-outer-this-join' : '-this-join';
  const otherSuffix = leftOuter ? '-outer-other-join' : '-other-join';
  // Kafka's NamedInternal burns a name index even when the name is given.
  const named = (suffix: string, prefix: string) => {
    const generated = graph.newProcessorName(prefix);
    return name !== undefined ? `${name}${suffix}` : generated;
  };
  const thisWindowed = named('-this-windowed', 'KSTREAM-WINDOWED-');
  const otherWindowed = named('-other-windowed', 'KSTREAM-WINDOWED-');
  const thisPrefix = rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-';
  const thisGenerated = graph.newProcessorName(thisPrefix);
  const otherGenerated = graph.newProcessorName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-');
  const thisName = name !== undefined ? name + thisSuffix : thisGenerated;
  const otherName = name !== undefined ? name + otherSuffix : otherGenerated;
  const mergeName = named('-merge', 'KSTREAM-MERGE-');

  const base = options?.storeName;
  const thisStore = `${base !== undefined ? base + thisSuffix : thisGenerated}-store`;
  const otherStore = `${base !== undefined ? base + otherSuffix : otherGenerated}-store`;
  const keySerde = serdeOf(options?.key) ?? thisIn.keySerde ?? otherIn.keySerde;
  const leftValueSerde = serdeOf(options?.value) ?? thisIn.valueSerde;
  const rightValueSerde = serdeOf(options?.otherValue) ?? otherIn.valueSerde;
  const windowStore = (storeName: string, valueSerde: StoreSpec['valueSerde']): StoreSpec => ({
    name: storeName, kind: 'window', keySerde, valueSerde, store: options?.store, logging: options?.logging ?? true, caching: false,
    windowSizeMs: windows.sizeMs, retentionMs: windows.sizeMs + windows.graceMs, retainDuplicates: true,
  });
  graph.addStore(windowStore(thisStore, leftValueSerde));
  graph.addStore(windowStore(otherStore, rightValueSerde));
  let sharedStore: string | null = null;
  if (leftOuter) {
    const suffix = rightOuter ? '-outer-shared-join' : '-left-shared-join';
    sharedStore = `${base !== undefined ? base + suffix : 'KSTREAM-OUTERSHARED-' + thisGenerated.slice(thisPrefix.length)}-store`;
    graph.addStore({ name: sharedStore, kind: 'keyValue', keySerde: bytes() as StoreSpec['keySerde'], valueSerde: bytes() as StoreSpec['valueSerde'],
      store: options?.store, logging: options?.logging ?? true, caching: false });
  }

  const trackers = new Map();
  const common = {
    sharedStore, windowBeforeMs: windows.beforeMs, windowAfterMs: windows.afterMs, graceMs: windows.graceMs,
    keySerde, leftValueSerde, rightValueSerde, trackers,
  };
  graph.addProcessor(thisWindowed, 'joinWindow', [thisIn.node], { storeName: thisStore });
  graph.addProcessor(otherWindowed, 'joinWindow', [otherIn.node], { storeName: otherStore });
  graph.addProcessor(thisName, 'streamStreamJoin', [thisWindowed], {
    ...common, isLeftSide: true, otherStore, joinBeforeMs: windows.beforeMs, joinAfterMs: windows.afterMs, joiner, outer: leftOuter,
  });
  graph.addProcessor(otherName, 'streamStreamJoin', [otherWindowed], {
    ...common, isLeftSide: false, otherStore: thisStore, joinBeforeMs: windows.afterMs, joinAfterMs: windows.beforeMs,
    joiner: (v2, v1) => joiner(v1, v2), outer: rightOuter,
  });
  graph.addProcessor(mergeName, 'passthrough', [thisName, otherName], {});
  // Kafka's StreamStreamJoinNode connects the stores in this order.
  graph.connectStores(thisWindowed, [thisStore]);
  graph.connectStores(otherName, [thisStore]);
  graph.connectStores(otherWindowed, [otherStore]);
  graph.connectStores(thisName, [otherStore]);
  if (sharedStore !== null) {
    graph.connectStores(thisName, [sharedStore]);
    graph.connectStores(otherName, [sharedStore]);
  }
  copartition(graph, [thisIn.node, otherIn.node]);
  return { graph, node: mergeName, keySerde, valueSerde: undefined, repartitionRequired: false };
}
