/**
 * Revenue metrics from the MRR ledger (mrr-ledger.ts): a month-by-month MRR
 * bridge (start + new + reactivation + expansion − contraction − churn = end),
 * retention, ARPU, ARR and a trend line.
 *
 * Conventions:
 * - MRR is a price normalised to a month with monthlyFactor (a year is 12
 *   months, 52 weeks or 365 days), rounded once, half away from zero.
 * - Months are UTC calendar months. A month's start MRR is the MRR just before
 *   its first millisecond and its end MRR the MRR at its last millisecond, so a
 *   change at exactly 00:00 UTC on the 1st belongs to the month it opens, and
 *   one month's end is the next month's start.
 * - Retention looks only at the customers paying at the month's start: NRR =
 *   (their start MRR + their expansion − their contraction − their churn) /
 *   their start MRR, GRR the same without expansion. New and reactivated MRR is
 *   excluded, so a cohort customer who churns and returns in the same month
 *   counts as churned. Both are null when no one paid at the start.
 * - The trend is a least-squares line through the months' end MRR; it is FLAT
 *   when it moves less than 0.5 % of the mean end MRR a month, a change too
 *   small to call a direction over a few months.
 */

import { ValidationError } from '@platform/core';
import { linearRegression, mean } from 'simple-statistics';
import { assertDate } from './dates.js';
import { type BillingInterval, monthlyFactor } from './intervals.js';
import { assertMinorAmount, sumMinor } from './money.js';
import { type MovementKind, type MrrChange, mrrAt, mrrMovements } from './mrr-ledger.js';
import { mulDivRound } from './rounding.js';

export { MOVEMENT_KINDS, type MovementKind, type MrrChange, type MrrMovement, movementsBetween, mrrAt, mrrMovements } from './mrr-ledger.js';

/** 'YYYY-MM' of a UTC calendar month. */
export type MonthKey = string;

export interface MonthlyRevenue {
  month: MonthKey;
  startMrrMinor: number;
  newMrrMinor: number;
  expansionMrrMinor: number;
  contractionMrrMinor: number;
  churnedMrrMinor: number;
  reactivationMrrMinor: number;
  endMrrMinor: number;
  /** endMrr − startMrr. */
  netNewMrrMinor: number;
  payingCustomersEnd: number;
  arpuMinor: number;
  arrMinor: number;
  netRevenueRetention: number | null;
  grossRevenueRetention: number | null;
  /** endMrr / startMrr − 1; null when the month started at 0. */
  growthRate: number | null;
  collectedMinor: number;
}

export interface RevenueTrend {
  /** Least-squares slope of end MRR per month, rounded to whole minor units. */
  slopeMinorPerMonth: number;
  /** (last / first)^(1 / (n − 1)) − 1 over end MRR; null for one month or a first month at 0. */
  compoundMonthlyGrowthRate: number | null;
  direction: 'GROWING' | 'SHRINKING' | 'FLAT';
}

export interface RevenueSnapshot {
  mrrMinor: number;
  arrMinor: number;
  payingCustomers: number;
  arpuMinor: number;
}

export const MAX_REPORT_MONTHS = 120;
/** |slope| below this share of the mean end MRR is FLAT. */
export const FLAT_TREND_SHARE = 0.005;

/** amount × monthlyFactor, rounded once: 120,000/YEAR → 10,000; 1,000/WEEK → 4,333; 3,000 per 3 MONTHs → 1,000. */
export function normaliseToMonthlyMinor(amountMinor: number, interval: BillingInterval, count: number): number {
  assertMinorAmount('amountMinor', amountMinor, { allowNegative: true });
  const { numerator, denominator } = monthlyFactor(interval, count);
  return mulDivRound(amountMinor, numerator, denominator);
}

export function revenueSnapshot(changes: MrrChange[], at: Date): RevenueSnapshot {
  const customers = mrrAt(changes, at);
  const mrrMinor = sumMinor([...customers.values()]);
  return { mrrMinor, arrMinor: 12 * mrrMinor, payingCustomers: customers.size, arpuMinor: arpu(mrrMinor, customers.size) };
}

/** The last `months` UTC calendar months up to the one containing `endMonth`, oldest first, and their trend. */
export function monthlyRevenueReport(
  changes: MrrChange[],
  options: { months: number; endMonth: Date; collectedByMonth?: Map<MonthKey, number> },
): { months: MonthlyRevenue[]; trend: RevenueTrend } {
  const { months: count, endMonth, collectedByMonth } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_REPORT_MONTHS) {
    throw ValidationError.single('months', `must be a whole number from 1 to ${MAX_REPORT_MONTHS}, got ${count}`);
  }
  assertDate(endMonth, 'endMonth');
  for (const [month, amount] of collectedByMonth ?? []) assertMinorAmount(`collectedByMonth.${month}`, amount, { allowNegative: true });
  const movements = mrrMovements(changes);
  const rows: MonthlyRevenue[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const monthStart = Date.UTC(endMonth.getUTCFullYear(), endMonth.getUTCMonth() - back, 1);
    const nextStart = new Date(monthStart);
    nextStart.setUTCMonth(nextStart.getUTCMonth() + 1);
    const from = new Date(monthStart - 1);
    const to = new Date(nextStart.getTime() - 1);
    const startCustomers = mrrAt(changes, from);
    const endCustomers = mrrAt(changes, to);
    const inMonth = movements.filter((m) => m.at.getTime() > from.getTime() && m.at.getTime() <= to.getTime());
    const total = (kind: MovementKind, cohortOnly = false) =>
      sumMinor(inMonth.filter((m) => m.kind === kind && (!cohortOnly || startCustomers.has(m.customerId))).map((m) => m.amountMinor));
    const startMrrMinor = sumMinor([...startCustomers.values()]);
    const endMrrMinor = sumMinor([...endCustomers.values()]);
    const month = monthKey(new Date(monthStart));
    const grossRetained = startMrrMinor - total('CONTRACTION', true) - total('CHURN', true);
    rows.push({
      month,
      startMrrMinor,
      newMrrMinor: total('NEW'),
      expansionMrrMinor: total('EXPANSION'),
      contractionMrrMinor: total('CONTRACTION'),
      churnedMrrMinor: total('CHURN'),
      reactivationMrrMinor: total('REACTIVATION'),
      endMrrMinor,
      netNewMrrMinor: endMrrMinor - startMrrMinor,
      payingCustomersEnd: endCustomers.size,
      arpuMinor: arpu(endMrrMinor, endCustomers.size),
      arrMinor: 12 * endMrrMinor,
      netRevenueRetention: startMrrMinor > 0 ? (grossRetained + total('EXPANSION', true)) / startMrrMinor : null,
      grossRevenueRetention: startMrrMinor > 0 ? grossRetained / startMrrMinor : null,
      // (end − start) / start rather than end / start − 1: one rounding, so 31,000 vs 18,000 is exactly 13/18.
      growthRate: startMrrMinor > 0 ? (endMrrMinor - startMrrMinor) / startMrrMinor : null,
      collectedMinor: collectedByMonth?.get(month) ?? 0,
    });
  }
  return { months: rows, trend: trendOf(rows.map((r) => r.endMrrMinor)) };
}

function trendOf(endMrr: number[]): RevenueTrend {
  const slope = linearRegression(endMrr.map((y, x) => [x, y])).m;
  const first = endMrr[0]!;
  const last = endMrr[endMrr.length - 1]!;
  const n = endMrr.length;
  const compoundMonthlyGrowthRate = n >= 2 && first > 0 ? (last / first) ** (1 / (n - 1)) - 1 : null;
  const flat = slope === 0 || Math.abs(slope) < FLAT_TREND_SHARE * mean(endMrr);
  return {
    slopeMinorPerMonth: roundHalfAwayFromZero(slope),
    compoundMonthlyGrowthRate,
    direction: flat ? 'FLAT' : slope > 0 ? 'GROWING' : 'SHRINKING',
  };
}

function arpu(mrrMinor: number, customers: number): number {
  return customers === 0 ? 0 : mulDivRound(mrrMinor, 1, customers);
}

function monthKey(date: Date): MonthKey {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** For the trend slope, a statistic and not money: the only float rounded here. */
function roundHalfAwayFromZero(value: number): number {
  const rounded = Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
  return rounded === 0 ? 0 : rounded;
}
