/** Stateless processors: one closure each, no per-record switch on kind. */
import type { Factory, Rec } from './types.ts';
import { forwardAll } from './types.ts';
import type { KV } from '../topology/proc-params.ts';

export const filter: Factory<'filter'> = (node, ctx) => {
  const { predicate, not } = node.params;
  return { process: (r) => (predicate(r.key, r.value) !== not ? ctx.forward(r) : undefined) };
};

export const map: Factory<'map'> = (node, ctx) => {
  const { mapper } = node.params;
  return {
    process(r) {
      const kv = mapper(r.key, r.value);
      if (kv === null || typeof kv !== 'object') throw new Error(`${node.name}: map() must return { key, value }, got ${String(kv)}.`);
      return ctx.forward({ key: kv.key, value: kv.value, timestamp: r.timestamp, headers: r.headers });
    },
  };
};

export const mapValues: Factory<'mapValues'> = (node, ctx) => {
  const { mapper } = node.params;
  return { process: (r) => ctx.forward({ key: r.key, value: mapper(r.value, r.key), timestamp: r.timestamp, headers: r.headers }) };
};

export const flatMap: Factory<'flatMap'> = (node, ctx) => {
  const { mapper } = node.params;
  return {
    process(r) {
      const out: Rec[] = [];
      for (const kv of mapper(r.key, r.value) as Iterable<KV>) out.push({ key: kv.key, value: kv.value, timestamp: r.timestamp, headers: r.headers });
      return forwardAll(ctx, out);
    },
  };
};

export const flatMapValues: Factory<'flatMapValues'> = (node, ctx) => {
  const { mapper } = node.params;
  return {
    process(r) {
      const out: Rec[] = [];
      for (const v of mapper(r.value, r.key)) out.push({ key: r.key, value: v, timestamp: r.timestamp, headers: r.headers });
      return forwardAll(ctx, out);
    },
  };
};

export const selectKey: Factory<'selectKey'> = (node, ctx) => {
  const { selector } = node.params;
  return { process: (r) => ctx.forward({ key: selector(r.key, r.value), value: r.value, timestamp: r.timestamp, headers: r.headers }) };
};

export const peek: Factory<'peek'> = (node, ctx) => {
  const { action, forward } = node.params;
  return {
    process(r) {
      action(r.key, r.value);
      if (forward) return ctx.forward(r);
    },
  };
};

export const print: Factory<'print'> = (node) => {
  const { label, print } = node.params;
  const fmt = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x));
  return { process: (r) => print(`[${label || node.name}]: ${fmt(r.key)}, ${fmt(r.value)}`) };
};

export const branch: Factory<'branch'> = (node, ctx) => {
  const { branches } = node.params;
  return {
    process(r) {
      for (const b of branches) if (b.predicate === null || b.predicate(r.key, r.value)) return ctx.forward(r, b.child);
    },
  };
};

export const passthrough: Factory<'passthrough'> = (_node, ctx) => ({ process: (r) => ctx.forward(r) });

export const repartitionFilter: Factory<'repartitionFilter'> = (node, ctx) => ({
  process(r) {
    if (r.key === null || r.key === undefined) {
      ctx.task.dropped({ reason: 'null-key', operator: node.name, timestamp: r.timestamp });
      return;
    }
    return ctx.forward(r);
  },
});
