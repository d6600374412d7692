/**
 * Proration of a mid-period price change, to the second. The customer is
 * credited the unused part of the old amount and charged the unused part of the
 * new one, both as the fraction remaining seconds / period seconds:
 *
 *   creditMinor = −round(old × remaining / total)
 *   chargeMinor =  round(new × remaining / total)
 *   netMinor    = creditMinor + chargeMinor
 *
 * Instants are truncated to whole seconds first (a change at 12:00:00.999
 * counts from 12:00:00), as Stripe prorates to the second. Each line is rounded
 * half away from zero on its own in exact integer arithmetic, because each
 * becomes its own invoice line and the lines must add up to the net.
 */
import { ValidationError } from '@platform/core';
import { assertDate } from './dates.js';
import { assertMinorAmount } from './money.js';
import { mulDivRound, normaliseZero } from './rounding.js';

export interface ProrationInput {
  periodStart: Date;
  periodEnd: Date;
  changeAt: Date;
  oldAmountMinor: number;
  newAmountMinor: number;
}

export interface Proration {
  /** Remaining seconds over period seconds, unreduced. */
  unusedFraction: { numerator: number; denominator: number };
  /** Zero or negative: the unused part of the old amount, given back. */
  creditMinor: number;
  /** Zero or positive: the unused part of the new amount. */
  chargeMinor: number;
  netMinor: number;
}

export function prorate(input: ProrationInput): Proration {
  const { periodStart, periodEnd, changeAt } = input;
  assertDate(periodStart, 'periodStart');
  assertDate(periodEnd, 'periodEnd');
  assertDate(changeAt, 'changeAt');
  const oldAmount = assertMinorAmount('oldAmountMinor', input.oldAmountMinor);
  const newAmount = assertMinorAmount('newAmountMinor', input.newAmountMinor);
  const start = wholeSeconds(periodStart);
  const end = wholeSeconds(periodEnd);
  if (end <= start) throw ValidationError.single('periodEnd', 'must be at least one second after periodStart');
  if (changeAt.getTime() < periodStart.getTime() || changeAt.getTime() >= periodEnd.getTime()) {
    throw ValidationError.single(
      'changeAt',
      `must be within the period [${periodStart.toISOString()}, ${periodEnd.toISOString()}), got ${changeAt.toISOString()}`,
    );
  }
  const remaining = end - wholeSeconds(changeAt);
  const total = end - start;
  const creditMinor = normaliseZero(-mulDivRound(oldAmount, remaining, total));
  const chargeMinor = mulDivRound(newAmount, remaining, total);
  return { unusedFraction: { numerator: remaining, denominator: total }, creditMinor, chargeMinor, netMinor: creditMinor + chargeMinor };
}

function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
