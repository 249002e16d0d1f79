/** serdes.immutable(): JSON bytes, Immutable.js collections in code. */
import { fromJS, is, List, Map as IMap, Set as ISet } from 'immutable';
import { describe, expect, it } from 'vitest';
import { serdes } from '../../src/index.ts';

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('serdes.immutable', () => {
  const serde = serdes.immutable<IMap<string, unknown>>();

  it('writes plain JSON (toJS) and reads Immutable collections back (fromJS), nested', () => {
    const cart = IMap({ items: IMap({ apple: 2, pear: 1 }), tags: List(['gift', 'express']), owner: 'ann', total: 1250 });
    const bytes = serde.serialize(cart);
    expect(JSON.parse(text(bytes)!)).toEqual({ items: { apple: 2, pear: 1 }, tags: ['gift', 'express'], owner: 'ann', total: 1250 });
    const back = serde.deserialize(bytes);
    expect(IMap.isMap(back)).toBe(true);
    expect(List.isList(back.get('tags'))).toBe(true);
    expect(is(back, cart)).toBe(true);
    // the same bytes as serdes.json() of the plain object: any JSON reader can consume the topic
    expect(text(serdes.json().serialize(cart.toJS()))).toBe(text(bytes));
  });

  it('reads JSON written by others as collections, and values updated persistently', () => {
    const m = serde.deserialize(new TextEncoder().encode('{"apple":2}')) as IMap<string, number>;
    const next = m.update('apple', (q = 0) => q + 1).set('kiwi', 4);
    expect(next.toJS()).toEqual({ apple: 3, kiwi: 4 });
    expect(m.toJS()).toEqual({ apple: 2 }); // the old value is untouched
    expect(is(serde.deserialize(serde.serialize(next)), next)).toBe(true);
  });

  it('null is a tombstone; primitives pass through; a Set comes back as a List', () => {
    const any = serdes.immutable<unknown>();
    expect(any.serialize(null)).toBeNull();
    expect(any.deserialize(null)).toBeNull();
    expect(any.deserialize(any.serialize(42))).toBe(42);
    expect(any.deserialize(any.serialize('x'))).toBe('x');
    expect(is(any.deserialize(any.serialize(ISet(['a', 'b']))), List(['a', 'b']))).toBe(true);
    expect(is(any.deserialize(any.serialize(fromJS([{ a: 1 }]))), fromJS([{ a: 1 }]))).toBe(true);
  });

  it('bad bytes are an error naming the serde, the topic and the data', () => {
    expect(() => serde.deserialize(new TextEncoder().encode('{nope'), 'carts')).toThrow(/serdes\.immutable\(\) could not parse 5 bytes.*carts.*data: \{nope/);
  });
});
