/** Parameters of the stream-stream and foreign-key join processors (kinds in proc-params.ts). */
import type { Serde } from '../api/serde.ts';
import type { GetterSpec } from './getter-spec.ts';

/** Kafka's KStreamImplJoin.TimeTracker, one per task, shared by both sides of one stream-stream join. */
export interface JoinTimeTracker {
  streamTime: number;
  minTime: number;
  /** Set once the shared store was looked at for entries left by an earlier run (a restart). */
  restored?: boolean;
  /** Entries of an earlier run may be in the shared store while minTime is still unset (see emitNonJoined). */
  pending?: boolean;
}

export interface StreamStreamJoinParams {
  /** True for the left (this) stream's processor. */
  readonly isLeftSide: boolean;
  /** The other side's window store. */
  readonly otherStore: string;
  /** The outer join's shared store of not-yet-joined records (left/outer joins), else null. */
  readonly sharedStore: string | null;
  /** From this side's point of view (the right side swaps Kafka's before/after). */
  readonly joinBeforeMs: number;
  readonly joinAfterMs: number;
  /** JoinWindows as given (left point of view), for the non-joined emission bounds. */
  readonly windowBeforeMs: number;
  readonly windowAfterMs: number;
  readonly graceMs: number;
  /** (thisValue, otherValue): the right side's processor gets the reversed joiner. */
  readonly joiner: (thisValue: unknown, otherValue: unknown) => unknown;
  /** Emit non-joined records of this side (leftJoin: left only; outerJoin: both). */
  readonly outer: boolean;
  /** Serdes for the shared store's key and values (undefined: the config defaults). */
  readonly keySerde?: Serde<unknown>;
  readonly leftValueSerde?: Serde<unknown>;
  readonly rightValueSerde?: Serde<unknown>;
  /** Per-task trackers, keyed by task id. */
  readonly trackers: Map<string, JoinTimeTracker>;
}

/** One foreign-key join; every FK processor gets the same object and uses what it needs. */
export interface FkParams {
  readonly leftJoin: boolean;
  readonly foreignKeyExtractor: (value: unknown, key: unknown) => unknown;
  readonly joiner: (leftValue: unknown, rightValue: unknown) => unknown;
  /** The subscription store (CombinedKey bytes -> subscription). */
  readonly subscriptionStore: string;
  /** Getter of the right (foreign) table, for the subscription join. */
  readonly rightGetter: GetterSpec;
  /** Getter of the left table, for the response resolver. */
  readonly leftGetter: GetterSpec;
  /** Serdes as declared (undefined: the config defaults at runtime). */
  readonly leftKeySerde?: Serde<unknown>;
  readonly leftValueSerde?: Serde<unknown>;
  readonly rightKeySerde?: Serde<unknown>;
  readonly rightValueSerde?: Serde<unknown>;
  /** Topic names used as serde topics (unprefixed). */
  readonly subscriptionTopic: string;
  readonly responseTopic: string;
}
