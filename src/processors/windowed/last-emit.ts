/**
 * lastEmitWindowCloseTime of an onWindowClose() aggregation (Kafka's AbstractKStreamTimeWindowAggregateProcessor),
 * kept with the processor's store (src/state/emit-time.ts) so that a restarted task does not emit closed windows
 * again. Read when the processor initializes: stores are restored before that, as in Kafka.
 */
import type { EmitTimeKeeper } from '../../state/types.ts';

export class LastEmitCloseTime {
  private value: number | null;
  private readonly kept: EmitTimeKeeper | null;

  constructor(store: { readonly emitTime: EmitTimeKeeper | null }) {
    this.kept = store.emitTime;
    this.value = this.kept?.get() ?? null;
  }

  get(): number | null {
    return this.value;
  }

  set(closeTime: number): void {
    this.value = closeTime;
    this.kept?.set(closeTime);
  }
}
