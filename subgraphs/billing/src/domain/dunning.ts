/**
 * Dunning: retrying a failed payment on a schedule before giving up. Retry
 * days count from the FIRST failure, not from the previous retry, so the
 * schedule [3, 5, 7] means retries 3, 5 and 7 days after the first charge
 * failed, whatever time each retry took to run. When the schedule is used up
 * the tenant's final action applies (mark the subscription UNPAID or cancel it).
 */
import { ValidationError } from '@platform/core';
import { assertDate, MS_PER_DAY } from './dates.js';
import { FieldErrors } from './field-errors.js';

export type DunningFinalAction = 'MARK_UNPAID' | 'CANCEL';
export const DUNNING_FINAL_ACTIONS: readonly DunningFinalAction[] = ['MARK_UNPAID', 'CANCEL'];

export const MAX_RETRIES = 8;
export const MAX_RETRY_DAY = 60;

/** 0 to 8 retries, each a whole number of days 1..60 after the first failure, strictly increasing. */
export function validateRetrySchedule(days: number[], path = 'dunningRetryDays'): number[] {
  const errors = new FieldErrors();
  if (!Array.isArray(days) || days.length > MAX_RETRIES) {
    errors.add(path, `must list at most ${MAX_RETRIES} retry days, got ${Array.isArray(days) ? days.length : 'none'}`);
    errors.throwIfAny('The retry schedule is not valid');
  }
  let previous = 0;
  days.forEach((day, i) => {
    if (!Number.isInteger(day) || day < 1 || day > MAX_RETRY_DAY) {
      errors.add(`${path}.${i}`, `must be a whole number of days from 1 to ${MAX_RETRY_DAY}, got ${day}`);
    } else if (day <= previous) {
      errors.add(`${path}.${i}`, `must be later than the previous retry (day ${previous}), got ${day}`);
    } else {
      previous = day;
    }
  });
  errors.throwIfAny('The retry schedule is not valid');
  return [...days];
}

/**
 * When to try again after attempt `failedAttempt` failed (1 = the original
 * charge, 2 = the first retry, …): firstFailedAt + retryDays[failedAttempt − 1]
 * days, or null when the schedule is exhausted and the final action applies.
 */
export function nextRetryAt(firstFailedAt: Date, failedAttempt: number, retryDays: number[]): Date | null {
  assertDate(firstFailedAt, 'firstFailedAt');
  if (!Number.isSafeInteger(failedAttempt) || failedAttempt < 1) {
    throw ValidationError.single('failedAttempt', `must be a whole number ≥ 1, got ${failedAttempt}`);
  }
  const schedule = validateRetrySchedule(retryDays, 'retryDays');
  const days = schedule[failedAttempt - 1];
  return days === undefined ? null : new Date(firstFailedAt.getTime() + days * MS_PER_DAY);
}
