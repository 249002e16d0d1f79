/**
 * A windowed key serde whose inner serde is the app's default key serde, known only when the topology runs
 * (a windowed aggregation over a grouping without a key serde). The runtime binds it with `bindDefaultSerde`
 * where it resolves serdes (sinks, stores); it cannot serialize unbound.
 */
import type { Serde } from '../api/serde.ts';
import type { Windowed } from '../api/records.ts';
import { windowed } from './time-windowed.ts';
import { sessionWindowed } from './session-windowed.ts';

const DEFERRED = Symbol('tributary.deferredWindowedSerde');

export interface DeferredWindowedSerde extends Serde<Windowed<unknown>> {
  readonly [DEFERRED]: (inner: Serde<unknown>) => Serde<Windowed<unknown>>;
}

export function deferredWindowedSerde(kind: 'time' | 'session', windowSize?: number): DeferredWindowedSerde {
  const unbound = (): never => {
    throw new Error('a windowed key serde built on the default key serde was used before the runtime bound it; give the grouping a key serde (grouped: { key }) or the sink one (produced: { key: serdes.windowed(...) }).');
  };
  return Object.freeze({
    [DEFERRED]: (inner: Serde<unknown>) => (kind === 'time' ? windowed(inner, { windowSize }) : sessionWindowed(inner)),
    serialize: unbound,
    deserialize: unbound,
  });
}

/** `serde`, or the default when undefined; a deferred windowed serde is bound to the default key serde. */
export function bindDefaultSerde<T>(serde: Serde<T> | undefined, defaultSerde: Serde<unknown>): Serde<T> {
  if (serde === undefined) return defaultSerde as Serde<T>;
  const bind = (serde as Partial<DeferredWindowedSerde>)[DEFERRED];
  return bind ? (bind(defaultSerde) as unknown as Serde<T>) : serde;
}
