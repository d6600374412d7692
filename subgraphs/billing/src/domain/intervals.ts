/**
 * Billing periods. Every period boundary is computed from the billing-cycle
 * anchor, in UTC, never from the previous boundary: a subscription anchored on
 * 31 January renews on 28/29 February, 31 March, 30 April, 31 May… (Stripe's
 * month-end rule). Stepping from the previous clamped date instead would drift
 * to the 28th for ever after February.
 *
 * DAY and WEEK periods are exact multiples of 86,400 s and 604,800 s (UTC has
 * no daylight saving time, and leap seconds do not exist in JS time); MONTH and
 * YEAR periods are calendar months keeping the anchor's day and time of day,
 * clamped to the end of shorter months (29 February anchors renew on 28
 * February in common years).
 */
import { ValidationError } from '@platform/core';
import { assertDate, MS_PER_DAY } from './dates.js';

export type BillingInterval = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';
export const BILLING_INTERVALS: readonly BillingInterval[] = ['DAY', 'WEEK', 'MONTH', 'YEAR'];

/** Longest allowed period of each interval: one year, or three for YEAR (Stripe's limits). */
export const MAX_INTERVAL_COUNT: Readonly<Record<BillingInterval, number>> = { DAY: 365, WEEK: 52, MONTH: 12, YEAR: 3 };

const MS_PER_WEEK = 7 * MS_PER_DAY;

export function assertInterval(interval: BillingInterval, path = 'interval'): BillingInterval {
  if (!BILLING_INTERVALS.includes(interval)) throw ValidationError.single(path, `must be one of ${BILLING_INTERVALS.join(', ')}`);
  return interval;
}

/** How many intervals one period lasts: 1..365 days, 1..52 weeks, 1..12 months or 1..3 years. */
export function assertIntervalCount(interval: BillingInterval, count: number, path = 'intervalCount'): number {
  assertInterval(interval);
  const max = MAX_INTERVAL_COUNT[interval];
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw ValidationError.single(path, `must be a whole number from 1 to ${max} for ${interval} billing, got ${count}`);
  }
  return count;
}

/**
 * End of the `periodIndex`-th period counted from `anchor` (index 1 is the end
 * of the first period; index 0 is the anchor itself), which is also the start
 * of the next period.
 */
export function periodEndAfter(anchor: Date, interval: BillingInterval, intervalCount: number, periodIndex: number): Date {
  assertDate(anchor, 'anchor');
  assertIntervalCount(interval, intervalCount);
  if (!Number.isSafeInteger(periodIndex) || periodIndex < 0) {
    throw ValidationError.single('periodIndex', `must be a whole number ≥ 0, got ${periodIndex}`);
  }
  const steps = intervalCount * periodIndex;
  switch (interval) {
    case 'DAY':
      return new Date(anchor.getTime() + steps * MS_PER_DAY);
    case 'WEEK':
      return new Date(anchor.getTime() + steps * MS_PER_WEEK);
    case 'MONTH':
      return addMonthsClamped(anchor, steps);
    case 'YEAR':
      return addMonthsClamped(anchor, steps * 12);
  }
}

/**
 * The period that starts at `periodStart`, which must be the anchor or a
 * period boundary after it (otherwise a ValidationError on 'periodStart').
 */
export function nextPeriod(anchor: Date, interval: BillingInterval, intervalCount: number, periodStart: Date): { start: Date; end: Date } {
  assertDate(anchor, 'anchor');
  assertDate(periodStart, 'periodStart');
  assertIntervalCount(interval, intervalCount);
  const index = candidateIndex(anchor, interval, intervalCount, periodStart);
  if (index === null || periodEndAfter(anchor, interval, intervalCount, index).getTime() !== periodStart.getTime()) {
    throw ValidationError.single(
      'periodStart',
      `${periodStart.toISOString()} is not a period boundary of a ${intervalCount} × ${interval} cycle anchored at ${anchor.toISOString()}`,
    );
  }
  return { start: new Date(periodStart.getTime()), end: periodEndAfter(anchor, interval, intervalCount, index + 1) };
}

/**
 * Exact factor that turns an amount per period into an amount per month.
 * Conventions: a month is 1/12 of a year, so a week is 52/12 of a month per
 * month (a year counted as 52 weeks, as most SaaS metrics do) and a day is
 * 365/12 per month. The fraction is left unreduced so the convention stays
 * visible: WEEK × 1 → 52/12, not 13/3.
 */
export function monthlyFactor(interval: BillingInterval, count: number): { numerator: number; denominator: number } {
  assertIntervalCount(interval, count);
  switch (interval) {
    case 'MONTH':
      return { numerator: 1, denominator: count };
    case 'YEAR':
      return { numerator: 1, denominator: 12 * count };
    case 'WEEK':
      return { numerator: 52, denominator: 12 * count };
    case 'DAY':
      return { numerator: 365, denominator: 12 * count };
  }
}

/** The only index k for which periodEndAfter(k) can equal `at`, or null. */
function candidateIndex(anchor: Date, interval: BillingInterval, count: number, at: Date): number | null {
  let units: number;
  if (interval === 'DAY' || interval === 'WEEK') {
    units = (at.getTime() - anchor.getTime()) / (interval === 'DAY' ? MS_PER_DAY : MS_PER_WEEK);
  } else {
    // Clamping only moves a boundary within its calendar month, so the month difference identifies it.
    const months = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
    units = interval === 'MONTH' ? months : months / 12;
  }
  const index = units / count;
  return Number.isSafeInteger(index) && index >= 0 ? index : null;
}

function addMonthsClamped(anchor: Date, months: number): Date {
  const monthIndex = anchor.getUTCMonth() + months;
  const year = anchor.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(year, month, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds()),
  );
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
