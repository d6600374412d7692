/**
 * What the billing benchmark seeds, shared by the entry (which builds the
 * catalogue through the gateway and checks the invoices) and the seeding child
 * (which writes the rows): the price list, which subscriptions are metered,
 * their periods and the usage quantities. Expected invoice amounts are computed
 * from these rules, never read back from the billing code.
 */
import { periodEndAfter } from '@platform/billing/domain/intervals';

/** Minor units (USD cents). */
export const PRICES = {
  /** PER_SEAT, the licensed-only subscriptions (two thirds). */
  seatMinor: 1_500,
  /** FLAT base fee of the metered subscriptions. */
  platformFeeMinor: 4_900,
  /** METERED, per unit of `api_calls` (SUM). */
  perCallMinor: 2,
} as const;
export const METER = 'api_calls';
export const TAX_RATE_BPS = 2_000;

export interface CatalogIds {
  tenantId: string;
  meterId: string;
  seatPriceId: string;
  platformPriceId: string;
  meteredPriceId: string;
}

/** One subscription in three (the third, sixth, …) is metered: 3,333 of 10,000. */
export const isMetered = (index: number) => index % 3 === 2;
export const seatsOf = (index: number) => 1 + (index % 10);
export const meteredCount = (subscriptions: number) => Math.floor(subscriptions / 3);

/** The licensed amount each subscription's invoice bills in advance for the next period. */
export function licensedMinor(index: number): number {
  return isMetered(index) ? PRICES.platformFeeMinor : PRICES.seatMinor * seatsOf(index);
}

/** Events of the `m`-th metered subscription: the total spread evenly, the remainder on the first ones. */
export function eventsOf(m: number, metered: number, usage: number): number {
  return Math.floor(usage / metered) + (m < usage % metered ? 1 : 0);
}

/** Deterministic 1–20 unit quantities (mulberry32), so reruns seed the same usage. */
export function quantities(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return 1 + (((t ^ (t >>> 14)) >>> 0) % 20);
  };
}

const DAY_MS = 86_400_000;

/**
 * Monthly periods that all ended in the last hours: subscription i ends `i`
 * seconds before the latest end, which is at least a minute before `now`.
 * Ends stay on days 1–28 of one month so "one month earlier" never clamps,
 * and every period is checked against the billing code's own calendar.
 */
export function periodsEndingBefore(now: Date, count: number): (index: number) => { start: Date; end: Date } {
  let latest = Math.floor((now.getTime() - 60_000) / 60_000) * 60_000;
  const fits = (t: number) => {
    const first = new Date(t - count * 1000);
    const last = new Date(t);
    return last.getUTCDate() <= 28 && first.getUTCMonth() === last.getUTCMonth();
  };
  while (!fits(latest)) latest -= 3_600_000;
  return (index) => {
    const end = new Date(latest - index * 1000);
    const start = new Date(end);
    start.setUTCMonth(start.getUTCMonth() - 1);
    if (periodEndAfter(start, 'MONTH', 1, 1).getTime() !== end.getTime()) throw new Error(`period ${start.toISOString()} → ${end.toISOString()} is not one month`);
    if (end.getTime() - start.getTime() < 27 * DAY_MS) throw new Error('period shorter than a month');
    return { start, end };
  };
}
