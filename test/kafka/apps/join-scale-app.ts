/**
 * The scale-out test's join app: orders `{ key: <order id>, value: '<customer>:<order id>' }` on `scale-orders` are
 * re-keyed by customer (a repartition topic) and joined with the customers table `scale-customers` (customer ->
 * name, a changelogged table store), every joined order `<order id>@<name>` going to `scale-joined`.
 */
import { defineApp, serdes } from '../../../src/index.ts';

export default defineApp({
  applicationId: 'scale-join',
  build(b) {
    const str = serdes.string();
    const customers = b.table('scale-customers', { key: str, value: str }, { storeName: 'customers' });
    b.stream('scale-orders', { key: str, value: str })
      .selectKey((_order, v) => v.slice(0, v.indexOf(':')))
      .join(customers, (order: string, name: string) => `${order.slice(order.indexOf(':') + 1)}@${name}`, { key: str, value: str, otherValue: str })
      .to('scale-joined', { key: str, value: str });
  },
});
