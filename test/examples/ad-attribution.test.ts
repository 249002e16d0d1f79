/** examples/ad-attribution.ts through the test driver: purchases left-joined with the clicks of the 10 minutes before. */
import { describe, expect, it } from 'vitest';
import { TopologyTestDriver, serdes } from '../../src/index.ts';
import app, { sampleInput, type Attribution, type Click, type Purchase } from '../../examples/ad-attribution.ts';

const minute = 60_000;

function setup() {
  const driver = new TopologyTestDriver(app);
  return {
    driver,
    clicks: driver.createInputTopic('ad-clicks', serdes.string(), serdes.json<Click>()),
    purchases: driver.createInputTopic('purchases', serdes.string(), serdes.json<Purchase>()),
    out: driver.createOutputTopic('attributed-purchases', serdes.string(), serdes.json<Attribution>()),
  };
}

const read = (out: ReturnType<typeof setup>['out']) =>
  out.readRecordsToList().map((r) => `${r.key} ${r.value.orderId} ${r.value.adId ?? '-'} @${r.timestamp / 1000}s`);

describe('examples/ad-attribution', () => {
  it('credits a click of the 10 minutes before; unattributed purchases come out once their window has closed', async () => {
    const { driver, clicks, purchases, out } = setup();
    await clicks.pipeInput('ann', { adId: 'ad-1', campaign: 'spring' }, 0);
    await purchases.pipeInput('ann', { orderId: 'o-1', cents: 2500 }, 4 * minute);
    expect(out.readRecordsToList()).toEqual([
      { key: 'ann', value: { orderId: 'o-1', cents: 2500, adId: 'ad-1', campaign: 'spring' }, timestamp: 4 * minute },
    ]);
    await purchases.pipeInput('bob', { orderId: 'o-2', cents: 900 }, 5 * minute); // no click
    await purchases.pipeInput('ann', { orderId: 'o-3', cents: 100 }, 6 * minute); // within grace of o-2's window: held back
    expect(read(out)).toEqual(['ann o-3 ad-1 @360s']);
    await purchases.pipeInput('ann', { orderId: 'o-4', cents: 100 }, 6 * minute + 1); // stream time > 5m + 0 + 1m grace
    expect(read(out)).toEqual(['bob o-2 - @300s', 'ann o-4 ad-1 @360.001s']);
    await driver.close();
  });

  it('does not credit a click more than 10 minutes before, nor one after the purchase', async () => {
    const { driver, clicks, purchases, out } = setup();
    await clicks.pipeInput('cat', { adId: 'ad-2', campaign: 'spring' }, 0);
    await purchases.pipeInput('cat', { orderId: 'o-1', cents: 4000 }, 10 * minute + 1);
    await clicks.pipeInput('cat', { adId: 'ad-3', campaign: 'summer' }, 11 * minute); // after the purchase
    expect(out.isEmpty()).toBe(true);
    await purchases.pipeInput('zed', { orderId: 'o-9', cents: 1 }, 12 * minute); // moves stream time past 10m + 1 ms + 1m grace
    expect(read(out)).toEqual(['cat o-1 - @600.001s']);
    await driver.close();
  });

  it('exactly 10 minutes before still counts; every click in the window gets a result', async () => {
    const { driver, clicks, purchases, out } = setup();
    await clicks.pipeInput('dan', { adId: 'ad-1', campaign: 'spring' }, 0);
    await clicks.pipeInput('dan', { adId: 'ad-2', campaign: 'spring' }, 5 * minute);
    await purchases.pipeInput('dan', { orderId: 'o-1', cents: 100 }, 10 * minute);
    expect(read(out)).toEqual(['dan o-1 ad-1 @600s', 'dan o-1 ad-2 @600s']);
    await driver.close();
  });

  it('a click that arrives late but within grace still gets the credit, and the purchase is not also reported unattributed', async () => {
    const { driver, clicks, purchases, out } = setup();
    await purchases.pipeInput('eve', { orderId: 'o-1', cents: 700 }, 10 * minute);
    await purchases.pipeInput('fay', { orderId: 'o-2', cents: 800 }, 10 * minute + 30_000); // stream time 10m30s
    await clicks.pipeInput('eve', { adId: 'ad-4', campaign: 'autumn' }, 8 * minute); // out of order
    expect(read(out)).toEqual(['eve o-1 ad-4 @600s']);
    await purchases.pipeInput('gus', { orderId: 'o-3', cents: 900 }, 30 * minute);
    expect(read(out)).toEqual(['fay o-2 - @630s']); // eve's o-1 is not emitted again with null
    await driver.close();
  });

  it('keeps join state in the window stores and drops it after retention (10m + 0 + 1m grace)', async () => {
    const { driver, clicks, purchases } = setup();
    await clicks.pipeInput('ann', { adId: 'ad-1', campaign: 'spring' }, 0);
    await purchases.pipeInput('ann', { orderId: 'o-1', cents: 1 }, minute);
    const stores = Object.keys(driver.getAllStateStores()).sort();
    expect(stores).toEqual(['attribution-left-shared-join-store', 'attribution-outer-other-join-store', 'attribution-this-join-store']);
    const clickStore = driver.getWindowStore<string, Click>('attribution-outer-other-join-store');
    const fetched = async () => {
      const vs: unknown[] = [];
      for await (const e of clickStore.fetch('ann', 0, 100 * minute)) vs.push(e.value);
      return vs;
    };
    expect(await fetched()).toHaveLength(1);
    await clicks.pipeInput('bob', { adId: 'ad-2', campaign: 'spring' }, 60 * minute);
    expect(await fetched()).toEqual([]);
    await driver.close();
  });

  it('the sample input: o-1 credited to ad-1, o-2 and o-3 unattributed', async () => {
    const { driver, clicks, purchases, out } = setup();
    const all = [
      ...sampleInput['ad-clicks'].map((r) => ({ ...r, click: true })),
      ...sampleInput.purchases.map((r) => ({ ...r, click: false })),
    ].sort((a, b) => a.timestamp - b.timestamp);
    for (const r of all) {
      if (r.click) await clicks.pipeInput(r.key, r.value as Click, r.timestamp);
      else await purchases.pipeInput(r.key, r.value as Purchase, r.timestamp);
    }
    expect(read(out)).toEqual(['ann o-1 ad-1 @240s', 'bob o-2 - @300s', 'cat o-3 - @960s']);
    await driver.close();
  });
});
