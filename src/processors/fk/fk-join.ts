/**
 * Foreign-key join processors (Kafka's foreignkeyjoin package, 3.7+ null-FK semantics):
 * - registration (SubscriptionSendProcessor): a left change becomes subscriptions keyed by the foreign key
 *   (unsubscribe the old FK when it changed; the left join also subscribes a null FK to get a response).
 * - receive (SubscriptionReceiveProcessor): keeps subscriptions in the store (CombinedKey fk+pk).
 * - subscription join (SubscriptionJoinProcessor): answers a subscription with the right row's current value.
 * - foreign table join (ForeignTableJoinProcessor): a right change answers every subscription of its key.
 * - response resolver (ResponseJoinProcessor): drops stale responses (left value changed since), joins.
 * The result goes through a KTable source node (KTABLE-FK-JOIN-OUTPUT), materialized when asked.
 */
import type { Serde } from '../../api/serde.ts';
import type { KeyValue } from '../../api/records.ts';
import {
  Instruction, bytesEqual, combinedKey, combinedKeyPrefix, type StoredSubscription, type Subscription, type SubscriptionResponse,
} from '../../topology/fk-wrappers.ts';
import type { Factory, MaybePromise, NodeContext, Rec } from '../types.ts';
import { forwardAll } from '../types.ts';
import { buildValueGetter, type ValueGetter } from '../value-getter.ts';

interface SubStore {
  get(key: Uint8Array): StoredSubscription | undefined;
  put(key: Uint8Array, value: StoredSubscription | null): void;
  delete(key: Uint8Array): StoredSubscription | undefined;
  rangeSync(from: Uint8Array | null, to: Uint8Array | null): KeyValue<Uint8Array, StoredSubscription>[] | undefined;
  range(from: Uint8Array | null, to: Uint8Array | null): AsyncIterable<KeyValue<Uint8Array, StoredSubscription>>;
}

const isNull = (v: unknown) => v === null || v === undefined;

function serdes(node: { params: import('../../topology/join-params.ts').FkParams }, ctx: NodeContext) {
  const p = node.params;
  const c = ctx.task.config;
  return {
    leftKey: (p.leftKeySerde ?? c.defaultKeySerde) as Serde<unknown>,
    leftValue: (p.leftValueSerde ?? c.defaultValueSerde) as Serde<unknown>,
    rightKey: (p.rightKeySerde ?? c.defaultKeySerde) as Serde<unknown>,
    rightValue: (p.rightValueSerde ?? c.defaultValueSerde) as Serde<unknown>,
  };
}

export const fkSubscriptionRegistration: Factory<'fkSubscriptionRegistration'> = (node, ctx) => {
  const p = node.params;
  let s!: ReturnType<typeof serdes>;
  const fkTopic = `${p.subscriptionTopic}-fk`;
  return {
    init() {
      s = serdes(node, ctx);
    },
    process(r): MaybePromise {
      const nv = isNull(r.value) ? null : r.value;
      const ov = isNull(r.oldValue) ? null : r.oldValue;
      const extract = (v: unknown) => {
        const fk = p.foreignKeyExtractor(v, r.key);
        return fk === undefined ? null : fk;
      };
      const fkBytes = (fk: unknown) => (fk === null ? null : s.rightKey.serialize(fk, fkTopic));
      let hash: Uint8Array | null | undefined;
      const partition = ctx.task.recordMetadata()?.partition ?? ctx.task.partition;
      const pk = s.leftKey.serialize(r.key, `${p.subscriptionTopic}-pk`) ?? new Uint8Array(0);
      const out: Rec[] = [];
      const send = (fk: unknown, instruction: Instruction) => {
        if (hash === undefined) hash = nv === null ? null : s.leftValue.serialize(nv, `${p.subscriptionTopic}-vh`);
        const sub: Subscription = { hash, instruction, pk, partition };
        out.push({ key: fk, value: sub, timestamp: r.timestamp, headers: r.headers });
      };
      const oldFk = ov === null ? null : extract(ov);
      if (p.leftJoin) {
        if (ov === null && nv === null) return;
        const newFk = nv === null ? null : extract(nv);
        if (oldFk !== null && !bytesEqual(fkBytes(newFk), fkBytes(oldFk))) send(oldFk, Instruction.DELETE_KEY_NO_PROPAGATE);
        send(newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
      } else if (nv !== null) {
        const newFk = extract(nv);
        if (newFk === null) {
          ctx.task.dropped({ reason: 'null-foreign-key', operator: node.name, timestamp: r.timestamp });
          if (oldFk !== null) send(oldFk, Instruction.DELETE_KEY_AND_PROPAGATE);
        } else if (oldFk !== null) {
          if (!bytesEqual(fkBytes(newFk), fkBytes(oldFk))) {
            send(oldFk, Instruction.DELETE_KEY_NO_PROPAGATE);
            send(newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
          } else {
            send(newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE);
          }
        } else {
          send(newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE);
        }
      } else if (oldFk !== null) {
        send(oldFk, Instruction.DELETE_KEY_AND_PROPAGATE);
      }
      return forwardAll(ctx, out);
    },
  };
};

/** Records between receive and subscription join: the combined key and the stored subscription. */
interface Received {
  fk: unknown;
  sub: Subscription;
}

export const fkSubscriptionReceive: Factory<'fkSubscriptionReceive'> = (node, ctx) => {
  const p = node.params;
  let store!: SubStore;
  let s!: ReturnType<typeof serdes>;
  return {
    init() {
      store = ctx.task.getStore<SubStore>(p.subscriptionStore, node.name);
      s = serdes(node, ctx);
    },
    process(r): MaybePromise {
      const sub = r.value as Subscription;
      if (isNull(r.key)) {
        if (sub.instruction !== Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE) {
          ctx.task.dropped({ reason: 'null-foreign-key', operator: node.name, timestamp: r.timestamp });
          return;
        }
      } else {
        const key = combinedKey(s.rightKey.serialize(r.key, `${p.subscriptionTopic}-fk`) ?? new Uint8Array(0), sub.pk);
        if (sub.instruction === Instruction.DELETE_KEY_AND_PROPAGATE || sub.instruction === Instruction.DELETE_KEY_NO_PROPAGATE) store.delete(key);
        else store.put(key, { sub, timestamp: r.timestamp });
      }
      const rec: Received = { fk: isNull(r.key) ? null : r.key, sub };
      return ctx.forward({ key: r.key, value: rec, timestamp: r.timestamp, headers: r.headers });
    },
  };
};

export const fkSubscriptionJoin: Factory<'fkSubscriptionJoin'> = (node, ctx) => {
  const p = node.params;
  let right!: ValueGetter;
  let s!: ReturnType<typeof serdes>;
  return {
    init() {
      right = buildValueGetter(p.rightGetter, ctx, node.name);
      s = serdes(node, ctx);
    },
    process(r): MaybePromise {
      const { fk, sub } = r.value as Received;
      const foreign = fk === null ? null : right(fk);
      const ts = foreign === null ? r.timestamp : Math.max(r.timestamp, foreign.timestamp);
      const respond = (value: unknown) => {
        const resp: SubscriptionResponse = {
          hash: sub.hash, partition: sub.partition,
          foreignValue: value === null ? null : s.rightValue.serialize(value, p.responseTopic),
        };
        return ctx.forward({ key: s.leftKey.deserialize(sub.pk, `${p.subscriptionTopic}-pk`), value: resp, timestamp: ts, headers: r.headers });
      };
      switch (sub.instruction) {
        case Instruction.DELETE_KEY_AND_PROPAGATE:
          return respond(null);
        case Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
          return respond(foreign === null ? null : foreign.value);
        case Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
          if (foreign !== null) return respond(foreign.value);
          return;
        default:
          return;
      }
    },
  };
};

export const fkForeignTableJoin: Factory<'fkForeignTableJoin'> = (node, ctx) => {
  const p = node.params;
  let store!: SubStore;
  let s!: ReturnType<typeof serdes>;
  const respondAll = (r: Rec, entries: KeyValue<Uint8Array, StoredSubscription>[], prefix: Uint8Array): MaybePromise => {
    const nv = isNull(r.value) ? null : s.rightValue.serialize(r.value, p.responseTopic);
    const out: Rec[] = [];
    for (const e of entries) {
      if (e.key.length < prefix.length || !bytesEqual(e.key.subarray(0, prefix.length), prefix)) continue;
      const { sub } = e.value;
      const resp: SubscriptionResponse = { hash: sub.hash, foreignValue: nv, partition: sub.partition };
      out.push({ key: s.leftKey.deserialize(e.key.subarray(prefix.length), `${p.subscriptionTopic}-pk`), value: resp, timestamp: r.timestamp, headers: r.headers });
    }
    return forwardAll(ctx, out);
  };
  return {
    init() {
      store = ctx.task.getStore<SubStore>(p.subscriptionStore, node.name);
      s = serdes(node, ctx);
    },
    process(r): MaybePromise {
      if (isNull(r.key)) {
        ctx.task.dropped({ reason: 'null-key', operator: node.name, timestamp: r.timestamp });
        return;
      }
      const prefix = combinedKeyPrefix(s.rightKey.serialize(r.key, `${p.subscriptionTopic}-fk`) ?? new Uint8Array(0));
      const to = upperBound(prefix);
      const entries = store.rangeSync(prefix, to);
      if (entries !== undefined) return respondAll(r, entries, prefix);
      return (async () => {
        const all: KeyValue<Uint8Array, StoredSubscription>[] = [];
        for await (const e of store.range(prefix, to)) all.push(e);
        await respondAll(r, all, prefix);
      })();
    },
  };
};

/** The smallest key greater than every key with this prefix, or null (unbounded). */
function upperBound(prefix: Uint8Array): Uint8Array | null {
  const out = Uint8Array.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i]++;
      return out.subarray(0, i + 1);
    }
  }
  return null;
}

export const fkResponseResolver: Factory<'fkResponseResolver'> = (node, ctx) => {
  const p = node.params;
  let left!: ValueGetter;
  let s!: ReturnType<typeof serdes>;
  return {
    init() {
      left = buildValueGetter(p.leftGetter, ctx, node.name);
      s = serdes(node, ctx);
    },
    process(r): MaybePromise {
      const resp = r.value as SubscriptionResponse;
      const current = left(r.key);
      const currentHash = current === null ? null : s.leftValue.serialize(current.value, `${p.subscriptionTopic}-vh`);
      if (!bytesEqual(resp.hash, currentHash)) {
        ctx.task.dropped({ reason: 'stale-foreign-key-response', operator: node.name, timestamp: r.timestamp });
        return;
      }
      let result: unknown;
      if (resp.foreignValue === null && (!p.leftJoin || current === null)) result = null;
      else {
        result = p.joiner(current === null ? null : current.value, resp.foreignValue === null ? null : s.rightValue.deserialize(resp.foreignValue, p.responseTopic));
      }
      return ctx.forward({ key: r.key, value: result, timestamp: r.timestamp, headers: r.headers });
    },
  };
};
