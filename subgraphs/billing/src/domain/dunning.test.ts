import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from './test-support.js';
import { nextRetryAt, validateRetrySchedule } from './dunning.js';


describe('validateRetrySchedule', () => {
  it('accepts no retries, up to 8, from day 1 to day 60', () => {
    expect(validateRetrySchedule([])).toEqual([]);
    expect(validateRetrySchedule([3, 5, 7])).toEqual([3, 5, 7]);
    expect(validateRetrySchedule([1, 2, 3, 4, 5, 6, 7, 60])).toHaveLength(8);
  });

  it('refuses more than 8 retries', () => {
    expect(fieldErrorsOf(() => validateRetrySchedule([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toEqual([
      { path: 'dunningRetryDays', message: 'must list at most 8 retry days, got 9' },
    ]);
  });

  it('names every bad day', () => {
    expect(fieldErrorsOf(() => validateRetrySchedule([0, 3, 3, 2.5, 61, 10], 'input.dunningRetryDays'))).toEqual([
      { path: 'input.dunningRetryDays.0', message: 'must be a whole number of days from 1 to 60, got 0' },
      { path: 'input.dunningRetryDays.2', message: 'must be later than the previous retry (day 3), got 3' },
      { path: 'input.dunningRetryDays.3', message: 'must be a whole number of days from 1 to 60, got 2.5' },
      { path: 'input.dunningRetryDays.4', message: 'must be a whole number of days from 1 to 60, got 61' },
    ]);
  });

  it('refuses a decreasing schedule', () => {
    expect(fieldErrorsOf(() => validateRetrySchedule([7, 5]))).toEqual([
      { path: 'dunningRetryDays.1', message: 'must be later than the previous retry (day 7), got 5' },
    ]);
  });
});

describe('nextRetryAt', () => {
  const firstFailedAt = new Date('2026-03-10T09:15:00Z');
  const schedule = [3, 5, 7];

  it('counts every retry from the first failure', () => {
    expect(nextRetryAt(firstFailedAt, 1, schedule)?.toISOString()).toBe('2026-03-13T09:15:00.000Z'); // +3 days
    expect(nextRetryAt(firstFailedAt, 2, schedule)?.toISOString()).toBe('2026-03-15T09:15:00.000Z'); // +5 days, not +3+5
    expect(nextRetryAt(firstFailedAt, 3, schedule)?.toISOString()).toBe('2026-03-17T09:15:00.000Z'); // +7 days
  });

  it('is null once the schedule is exhausted', () => {
    expect(nextRetryAt(firstFailedAt, 4, schedule)).toBeNull();
    expect(nextRetryAt(firstFailedAt, 1, [])).toBeNull();
  });

  it('adds whole 24-hour days in UTC', () => {
    // 29 March 2026 is a DST change in Europe; UTC days are still 86,400 s.
    expect(nextRetryAt(new Date('2026-03-28T12:00:00Z'), 1, [2])?.toISOString()).toBe('2026-03-30T12:00:00.000Z');
  });

  it('refuses a bad attempt number, date or schedule', () => {
    expect(fieldErrorsOf(() => nextRetryAt(firstFailedAt, 0, schedule))).toEqual([{ path: 'failedAttempt', message: 'must be a whole number ≥ 1, got 0' }]);
    expect(() => nextRetryAt(firstFailedAt, 1.5, schedule)).toThrow('failedAttempt');
    expect(() => nextRetryAt(new Date(Number.NaN), 1, schedule)).toThrow('firstFailedAt');
    expect(fieldErrorsOf(() => nextRetryAt(firstFailedAt, 1, [5, 3]))[0]!.path).toBe('retryDays.1');
  });
});
