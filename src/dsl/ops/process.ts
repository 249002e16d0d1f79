/** KStream.process / processValues: the Processor API inside the DSL. */
import type { FixedKeyProcessorSupplier, ProcessorSupplier } from '../../api/processor.ts';
import { checkFn, checkName, type StreamState } from '../internal.ts';

export interface ProcessOptions {
  stores?: string[];
  name?: string;
}

export function process(s: StreamState, supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>, opts: ProcessOptions = {}, fixedKey = false): StreamState {
  checkFn(supplier, fixedKey ? 'processValues supplier' : 'process supplier');
  const generated = s.graph.newProcessorName(fixedKey ? 'KSTREAM-PROCESSVALUES-' : 'KSTREAM-PROCESSOR-');
  const name = opts.name !== undefined ? checkName(opts.name, 'process name') : generated;
  s.graph.addProcessor(name, 'process', [s.node], { supplier, fixedKey }, opts.stores ?? []);
  return fixedKey
    ? { ...s, node: name, valueSerde: undefined }
    : { ...s, node: name, keySerde: undefined, valueSerde: undefined, repartitionRequired: true };
}

export const processValues = (s: StreamState, supplier: FixedKeyProcessorSupplier<unknown, unknown, unknown>, opts?: ProcessOptions): StreamState =>
  process(s, supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, opts, true);
