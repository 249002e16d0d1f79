/**
 * Shopping carts: an aggregate whose value is an Immutable.js Map (serdes.immutable()).
 *   npx streams-run examples/shopping-cart.ts
 * `cart-events` holds what shoppers do, keyed by cart id: `{ "type": "add", "item": "apple", "qty": 3 }`,
 * `{ "type": "remove", "item": "apple", "qty": 1 }` or `{ "type": "clear" }`. Each cart is an Immutable.Map of
 * item -> quantity, updated with `update`/`set`/`delete` (no copy of the cart per event); it is kept in the
 * LevelDB store `carts` and every change goes to the `carts` topic as plain JSON (`{"apple":2}`).
 * Feed it from another terminal:
 *   echo '{"key":"cart-7","value":{"type":"add","item":"pear","qty":2}}' | npx streams-run produce cart-events
 *   npx streams-run consume carts --from-beginning
 */
import { Map as ImmutableMap } from 'immutable';
import { defineApp, serdes } from 'tributary-streams';

export type CartEvent =
  | { type: 'add'; item: string; qty: number }
  | { type: 'remove'; item: string; qty: number }
  | { type: 'clear' };

export type Cart = ImmutableMap<string, number>;

/** Seeded into `cart-events` on a fresh data dir (see src/runtime/cli/sample-input.ts). */
export const sampleInput = {
  'cart-events': [
    { key: 'cart-1', value: { type: 'add', item: 'apple', qty: 3 } },
    { key: 'cart-2', value: { type: 'add', item: 'bread', qty: 1 } },
    { key: 'cart-1', value: { type: 'add', item: 'pear', qty: 2 } },
    { key: 'cart-1', value: { type: 'remove', item: 'apple', qty: 1 } }, // cart-1: apple 2, pear 2
    { key: 'cart-2', value: { type: 'clear' } }, // cart-2: empty
  ] satisfies Array<{ key: string; value: CartEvent }>,
};

/** One event applied to a cart: persistent updates, the previous cart is untouched. */
export function applyEvent(cart: Cart, e: CartEvent): Cart {
  switch (e.type) {
    case 'add':
      return cart.update(e.item, 0, (q) => q + e.qty);
    case 'remove': {
      const left = cart.get(e.item, 0) - e.qty;
      return left > 0 ? cart.set(e.item, left) : cart.delete(e.item);
    }
    case 'clear':
      return cart.clear();
  }
}

export default defineApp({
  applicationId: 'shopping-cart',
  build(b) {
    b.stream('cart-events', { key: serdes.string(), value: serdes.json<CartEvent>() })
      .groupByKey()
      .aggregate<Cart>(() => ImmutableMap<string, number>(), (_cartId, event, cart) => applyEvent(cart, event), {
        storeName: 'carts',
        value: serdes.immutable<Cart>(),
      })
      .toStream()
      .to('carts', { key: serdes.string(), value: serdes.immutable<Cart>() });
  },
});
