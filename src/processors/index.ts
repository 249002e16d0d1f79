/** The processor table: one factory per node kind (a kind without a factory fails tsc). */
import type { ProcessorTable } from './types.ts';
import * as sl from './stateless.ts';
import * as kt from './ktable.ts';
import * as agg from './aggregate.ts';
import { processNode } from './process.ts';
import * as jn from './join-stream-table.ts';
import * as jss from './join-stream-stream.ts';
import * as jtt from './join-table-table.ts';
import * as fk from './fk/fk-join.ts';
import { timeWindowAggregate } from './windowed/time-window-aggregate.ts';
import { slidingWindowAggregate } from './windowed/sliding-window-aggregate.ts';
import { sessionWindowAggregate } from './windowed/session-window-aggregate.ts';
import { suppress } from './windowed/suppress.ts';

export const processors: ProcessorTable = {
  filter: sl.filter,
  map: sl.map,
  mapValues: sl.mapValues,
  flatMap: sl.flatMap,
  flatMapValues: sl.flatMapValues,
  selectKey: sl.selectKey,
  peek: sl.peek,
  print: sl.print,
  branch: sl.branch,
  passthrough: sl.passthrough,
  repartitionFilter: sl.repartitionFilter,
  process: processNode,
  ktableSource: kt.ktableSource,
  ktableFilter: kt.ktableFilter,
  ktableMapValues: kt.ktableMapValues,
  ktableToStream: kt.ktableToStream,
  streamAggregate: agg.streamAggregate,
  streamReduce: agg.streamReduce,
  ktableRepartitionMap: agg.ktableRepartitionMap,
  ktableAggregate: agg.ktableAggregate,
  ktableReduce: agg.ktableReduce,
  timeWindowAggregate,
  slidingWindowAggregate,
  sessionWindowAggregate,
  suppress,
  streamTableJoin: jn.streamTableJoin,
  joinWindow: jss.joinWindow,
  streamStreamJoin: jss.streamStreamJoin,
  ktableJoin: jtt.ktableJoin,
  ktableJoinMerge: jtt.ktableJoinMerge,
  ktableMerge: jtt.ktableMerge,
  fkSubscriptionRegistration: fk.fkSubscriptionRegistration,
  fkSubscriptionReceive: fk.fkSubscriptionReceive,
  fkSubscriptionJoin: fk.fkSubscriptionJoin,
  fkForeignTableJoin: fk.fkForeignTableJoin,
  fkResponseResolver: fk.fkResponseResolver,
};
