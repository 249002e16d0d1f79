/**
 * Per-customer order totals: a KTable example.
 *   npx streams-run examples/order-totals.ts
 * `orders` holds the latest state of each order, keyed by order id: `{ "customer": "ann", "cents": 1250 }`, or a
 * null value (a tombstone) when the order is cancelled. Read as a KTable, re-grouped by customer and aggregated
 * with an adder and a subtractor, so that an order whose amount changes, that moves to another customer or that is
 * cancelled corrects the totals instead of adding to them. The totals (in cents) are kept in the LevelDB store
 * `customer-totals` (changelogged) and every change goes to the `customer-totals` topic.
 * Feed it from another terminal:
 *   echo '{"key":"o-9","value":{"customer":"ann","cents":500}}' | npx streams-run produce orders
 *   echo '{"key":"o-9","value":null}' | npx streams-run produce orders
 *   npx streams-run consume customer-totals --from-beginning
 */
import { defineApp, serdes } from 'tributary-streams';

export interface Order {
  customer: string;
  cents: number;
}

/** Seeded into `orders` on a fresh data dir (see src/runtime/cli/sample-input.ts). */
export const sampleInput = {
  orders: [
    { key: 'o-1', value: { customer: 'ann', cents: 1250 } },
    { key: 'o-2', value: { customer: 'bob', cents: 399 } },
    { key: 'o-3', value: { customer: 'ann', cents: 2000 } },
    { key: 'o-1', value: { customer: 'ann', cents: 1500 } }, // amended: ann 3500
    { key: 'o-2', value: null }, // cancelled: bob 0
  ],
};

export default defineApp({
  applicationId: 'order-totals',
  build(b) {
    b.table('orders', { key: serdes.string(), value: serdes.json<Order>() }, { storeName: 'orders-by-id' })
      .groupBy((_orderId, order) => ({ key: order.customer, value: order.cents }), { key: serdes.string(), value: serdes.int64() })
      .aggregate(
        () => 0,
        (_customer, cents, total) => total + cents,
        (_customer, cents, total) => total - cents,
        { storeName: 'customer-totals', value: serdes.int64() },
      )
      .toStream()
      .to('customer-totals', { key: serdes.string(), value: serdes.int64() });
  },
});
