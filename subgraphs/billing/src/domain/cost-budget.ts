/**
 * Platform costs against a monthly budget: cost categories, alert thresholds,
 * which thresholds a month's spend has crossed, the share of the budget used
 * and a run-rate forecast of the month's total. Months are UTC calendar months
 * written 'YYYY-MM'. Method and worked examples: docs/billing-methods.md,
 * "Platform costs and budgets".
 */
import { ValidationError } from '@platform/core';
import { assertDate, MS_PER_DAY } from './dates.js';
import { FieldErrors } from './field-errors.js';
import { mulDivRound } from './rounding.js';

export const COST_CATEGORIES = ['COMPUTE', 'STORAGE', 'BANDWIDTH', 'API', 'THIRD_PARTY', 'SUPPORT', 'OTHER'] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

export const DEFAULT_THRESHOLDS_PCT: readonly number[] = [50, 80, 100];
export const MAX_THRESHOLDS = 10;
/** A threshold above 100 % warns of an overrun (e.g. 150); beyond 10× the budget an alert says nothing new. */
export const MAX_THRESHOLD_PCT = 1000;

export interface UtcMonth {
  /** 'YYYY-MM'. */
  key: string;
  /** 00:00 UTC on the 1st. */
  start: Date;
  /** 00:00 UTC on the 1st of the next month (exclusive). */
  end: Date;
}

export function isCostCategory(value: string): value is CostCategory {
  return (COST_CATEGORIES as readonly string[]).includes(value);
}

/** The thresholds as given, if each is a whole percentage 1–1000, strictly increasing, at most 10 of them. */
export function validateThresholds(values: readonly number[], path = 'thresholdsPct'): number[] {
  const errors = new FieldErrors();
  if (values.length > MAX_THRESHOLDS) errors.add(path, `must list at most ${MAX_THRESHOLDS} thresholds, got ${values.length}`);
  values.forEach((value, i) => {
    if (!Number.isInteger(value) || value < 1 || value > MAX_THRESHOLD_PCT) {
      errors.add(`${path}.${i}`, `must be a whole percentage from 1 to ${MAX_THRESHOLD_PCT}, got ${value}`);
    } else if (i > 0 && value <= values[i - 1]!) {
      errors.add(`${path}.${i}`, `must be greater than the threshold before it (${values[i - 1]})`);
    }
  });
  errors.throwIfAny('The budget thresholds are not valid');
  return [...values];
}

/**
 * The thresholds that `spend` has reached: spend ≥ budget × pct / 100, compared
 * exactly as spend × 100 ≥ budget × pct in BigInt (so 8,000 of 10,000 reaches 80 %).
 */
export function crossedThresholds(spendMinor: number, budgetMinor: number, thresholdsPct: readonly number[]): number[] {
  return thresholdsPct.filter((pct) => BigInt(spendMinor) * 100n >= BigInt(budgetMinor) * BigInt(pct));
}

/** spend / budget in percent, rounded half away from zero to two decimals (2,345 of 10,000 → 23.45). */
export function percentUsed(spendMinor: number, budgetMinor: number): number {
  return mulDivRound(spendMinor, 10_000, budgetMinor) / 100;
}

/**
 * Linear run-rate forecast of a month's total: spend so far ÷ the elapsed
 * share of the month, rounded half away from zero. Elapsed time counts from
 * 00:00 UTC on the 1st and is at least one day, so a cost recorded in the
 * month's first minutes is not multiplied by tens of thousands. A month that is
 * over (or has not started) forecasts exactly what was spent in it.
 */
export function runRateForecast(spendMinor: number, month: UtcMonth, now: Date): number {
  assertDate(now, 'now');
  const length = month.end.getTime() - month.start.getTime();
  const sinceStart = now.getTime() - month.start.getTime();
  if (sinceStart < 0 || sinceStart >= length) return spendMinor;
  const elapsed = Math.max(sinceStart, MS_PER_DAY);
  // Only a spend near 2^53 could extrapolate past the safe range; cap rather than fail a read.
  return Math.min(mulDivRound(spendMinor, length, elapsed), Number.MAX_SAFE_INTEGER);
}

/** The UTC calendar month containing `at`. */
export function utcMonthOf(at: Date): UtcMonth {
  assertDate(at, 'at');
  return monthFrom(at.getUTCFullYear(), at.getUTCMonth());
}

/** Parses 'YYYY-MM' (years 2000–2999), or throws a ValidationError naming `path`. */
export function parseMonth(value: string, path = 'month'): UtcMonth {
  const match = typeof value === 'string' ? /^(2\d{3})-(0[1-9]|1[0-2])$/.exec(value) : null;
  if (!match) throw ValidationError.single(path, `must be a month written YYYY-MM (2000–2999), got "${String(value)}"`);
  return monthFrom(Number(match[1]), Number(match[2]) - 1);
}

function monthFrom(year: number, monthIndex: number): UtcMonth {
  const start = new Date(Date.UTC(year, monthIndex, 1));
  const end = new Date(Date.UTC(year, monthIndex + 1, 1));
  return { key: `${String(start.getUTCFullYear()).padStart(4, '0')}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`, start, end };
}
