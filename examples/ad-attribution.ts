/**
 * Ad attribution: purchases credited to the ad clicks that led to them (stream-stream left join).
 *   npx streams-run examples/ad-attribution.ts --create-topics
 * `ad-clicks` and `purchases` are both keyed by user id. A purchase is attributed to every click of the same user in
 * the 10 minutes before it (JoinWindows: timeDifference 10m, after 0, so a click after the purchase never gets the
 * credit; grace 1m for records that arrive a little out of order). The join is a leftJoin: a purchase without such
 * a click still comes out on `attributed-purchases`, with `adId: null`, but only once its window has closed (stream
 * time past purchase time + grace), since until then a late click could still match it. Output timestamp = the
 * later of the two records. Join state lives in window stores with retention 10m + 0 + 1m, logged to changelogs.
 *   npx streams-run consume attributed-purchases --from-beginning
 */
import { defineApp, JoinWindows, serdes } from 'tributary-streams';

export interface Click {
  adId: string;
  campaign: string;
}

export interface Purchase {
  orderId: string;
  cents: number;
}

export interface Attribution {
  orderId: string;
  cents: number;
  /** The click credited with the purchase; null when no click of the user came in the 10 minutes before it. */
  adId: string | null;
  campaign: string | null;
}

const minute = 60_000;

export const attributionWindow = JoinWindows.of({ timeDifference: '10m', after: 0, grace: '1m' });

export function attribute(purchase: Purchase, click: Click | null): Attribution {
  return { orderId: purchase.orderId, cents: purchase.cents, adId: click?.adId ?? null, campaign: click?.campaign ?? null };
}

/** Sample input: ann buys 4 minutes after a click, bob buys with no click, cat clicks 15 minutes before buying. */
export const sampleInput = {
  'ad-clicks': [
    { key: 'ann', value: { adId: 'ad-1', campaign: 'spring' }, timestamp: 0 },
    { key: 'cat', value: { adId: 'ad-2', campaign: 'spring' }, timestamp: minute },
  ],
  purchases: [
    { key: 'ann', value: { orderId: 'o-1', cents: 2500 }, timestamp: 4 * minute },
    { key: 'bob', value: { orderId: 'o-2', cents: 900 }, timestamp: 5 * minute },
    { key: 'cat', value: { orderId: 'o-3', cents: 4000 }, timestamp: 16 * minute },
    // moves stream time on, so that the windows of o-2 and o-3 close and they come out unattributed
    { key: 'dan', value: { orderId: 'o-4', cents: 100 }, timestamp: 30 * minute },
  ],
};

export default defineApp({
  applicationId: 'ad-attribution',
  build(b) {
    const clicks = b.stream('ad-clicks', { key: serdes.string(), value: serdes.json<Click>() });
    b.stream('purchases', { key: serdes.string(), value: serdes.json<Purchase>() })
      .leftJoin(clicks, attribute, attributionWindow, { name: 'attribution', storeName: 'attribution' })
      .to('attributed-purchases', { key: serdes.string(), value: serdes.json<Attribution>() });
  },
});
