/**
 * lastEmitWindowCloseTime of an onWindowClose() aggregation (Kafka's AbstractKStreamTimeWindowAggregateProcessor),
 * kept with the processor's store (src/state/emit-time.ts) so that a restarted task does not emit closed windows
 * again. Read lazily: stores are restored after processors are initialized, before the first record.
 */
import type { EmitCloseTime } from '../../state/emit-time.ts';

export class LastEmitCloseTime {
  private value: number | null = null;
  private loaded = false;
  private readonly kept: EmitCloseTime | null;

  constructor(store: unknown) {
    this.kept = (store as { emitTime?: EmitCloseTime | null }).emitTime ?? null;
  }

  get(): number | null {
    if (!this.loaded) {
      this.loaded = true;
      this.value = this.kept?.get() ?? null;
    }
    return this.value;
  }

  set(closeTime: number): void {
    this.loaded = true;
    this.value = closeTime;
    this.kept?.set(closeTime);
  }
}
