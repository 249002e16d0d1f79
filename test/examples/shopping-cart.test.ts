import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { is, Map as IMap } from 'immutable';
import { describe, expect, it } from 'vitest';
import { LogStore, serdes, TopologyTestDriver, type ReadOnlyKeyValueStore } from '../../src/index.ts';
import shoppingCart, { applyEvent, sampleInput, type Cart, type CartEvent } from '../../examples/shopping-cart.ts';

function setup() {
  const driver = new TopologyTestDriver(shoppingCart);
  const events = driver.createInputTopic('cart-events', serdes.string(), serdes.json<CartEvent>());
  const carts = driver.createOutputTopic('carts', serdes.string(), serdes.immutable<Cart>());
  return { driver, events, carts };
}

describe('examples/shopping-cart.ts', () => {
  it('applyEvent updates persistently: the previous cart is untouched', () => {
    const before = IMap({ apple: 2, pear: 1 });
    const after = applyEvent(before, { type: 'add', item: 'apple', qty: 3 });
    expect(after.toJS()).toEqual({ apple: 5, pear: 1 });
    expect(before.toJS()).toEqual({ apple: 2, pear: 1 });
    expect(applyEvent(after, { type: 'remove', item: 'pear', qty: 1 }).toJS()).toEqual({ apple: 5 });
    expect(applyEvent(after, { type: 'remove', item: 'apple', qty: 2 }).get('apple')).toBe(3);
    expect(applyEvent(after, { type: 'clear' }).size).toBe(0);
  });

  it('in the test driver: each change of a cart is an Immutable.Map on the output and in the store', async () => {
    const { driver, events, carts } = setup();
    for (const r of sampleInput['cart-events']) await events.pipeInput(r.key, r.value);
    const out = carts.readKeyValuesToList();
    expect(out.map((kv) => [kv.key, kv.value.toJS()])).toEqual([
      ['cart-1', { apple: 3 }],
      ['cart-2', { bread: 1 }],
      ['cart-1', { apple: 3, pear: 2 }],
      ['cart-1', { apple: 2, pear: 2 }],
      ['cart-2', {}],
    ]);
    expect(out.every((kv) => IMap.isMap(kv.value))).toBe(true);
    const store = driver.getKeyValueStore<string, Cart>('carts');
    expect(is(store.get('cart-1'), IMap({ apple: 2, pear: 2 }))).toBe(true);
    expect(store.get('cart-2')?.size).toBe(0);
    await driver.close();
  });

  it('on the runtime: the same carts in the LevelDB store, plain JSON on the topic, and after a rebuild from the changelog', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-cart-'));
    try {
      const log = await LogStore.open(dataDir);
      await log.admin.createTopic('cart-events', { partitions: 2 });
      await log.producer().sendBatch(sampleInput['cart-events'].map((r) => ({ topic: 'cart-events', key: r.key, value: JSON.stringify(r.value) })));
      await log.close();
      let running = await shoppingCart.start({ dataDir, commitIntervalMs: 20 });
      const carts = () => running.store<ReadOnlyKeyValueStore<string, Cart>>('carts');
      for (let i = 0; i < 400 && !is(carts().get('cart-1'), IMap({ apple: 2, pear: 2 })); i++) await new Promise((r) => setTimeout(r, 25));
      expect(is(carts().get('cart-1'), IMap({ apple: 2, pear: 2 }))).toBe(true);
      expect(IMap.isMap(carts().get('cart-2'))).toBe(true);
      expect(carts().get('cart-2')?.size).toBe(0);
      await running.close();

      const reader = await LogStore.open(dataDir);
      const last = new Map<string, unknown>();
      for (const { partition } of (await reader.admin.describeTopic('carts')).partitions) {
        for (const r of (await reader.read({ topic: 'carts', partition }, 0, 1000)).records) {
          last.set(Buffer.from(r.key!).toString(), JSON.parse(Buffer.from(r.value!).toString()));
        }
      }
      await reader.close();
      expect(last).toEqual(new Map<string, unknown>([['cart-1', { apple: 2, pear: 2 }], ['cart-2', {}]]));

      fs.rmSync(path.join(dataDir, 'state'), { recursive: true, force: true });
      running = await shoppingCart.start({ dataDir, commitIntervalMs: 20 });
      expect(is(carts().get('cart-1'), IMap({ apple: 2, pear: 2 }))).toBe(true);
      await running.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
