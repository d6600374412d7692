/** The leaky-bucket arithmetic on hand-computed values. */
import { describe, expect, it } from 'vitest';
import { available, leak, pour, secondsUntilFits } from './leaky-bucket.js';

const bucket = { capacity: 10, restoreRate: 2 };

describe('leak', () => {
  it('drains restoreRate points a second: 8 after 1.5 s at 2/s is 5', () => {
    expect(leak(8, 1.5, 2)).toBe(5);
  });
  it('never drains below empty: 3 after 10 s at 2/s is 0', () => {
    expect(leak(3, 10, 2)).toBe(0);
  });
  it('drains nothing when the clock went backwards', () => {
    expect(leak(5, -3, 2)).toBe(5);
  });
});

describe('pour', () => {
  it('adds a cost that fits: 5 + 4 under 10 is 9', () => {
    expect(pour(5, 4, bucket)).toEqual({ allowed: true, level: 9 });
  });
  it('adds a cost that exactly fills the bucket: 9 + 1 is 10', () => {
    expect(pour(9, 1, bucket)).toEqual({ allowed: true, level: 10 });
  });
  it('refuses a cost that does not fit and adds nothing: 9 + 2 over 10 stays 9', () => {
    expect(pour(9, 2, bucket)).toEqual({ allowed: false, level: 9 });
  });
  it('refuses a cost larger than the whole bucket, even when empty', () => {
    expect(pour(0, 11, bucket)).toEqual({ allowed: false, level: 0 });
  });
  it('takes a refund (a negative cost) down to empty and no further: 2 - 5 is 0', () => {
    expect(pour(2, -5, bucket)).toEqual({ allowed: true, level: 0 });
  });
});

describe('secondsUntilFits', () => {
  it('rounds the wait up: 4 more at level 9 of 10 is 3 missing points, 1.5 s at 2/s, so 2', () => {
    expect(secondsUntilFits(9, 4, bucket)).toBe(2);
  });
  it('keeps an exact wait: 2 more at level 9 of 10, restoring 0.5/s, is 2', () => {
    expect(secondsUntilFits(9, 2, { capacity: 10, restoreRate: 0.5 })).toBe(2);
  });
  it('is at least 1 second, however little is missing', () => {
    expect(secondsUntilFits(10, 0.1, { capacity: 10, restoreRate: 50 })).toBe(1);
  });
});

describe('available', () => {
  it('is the capacity less the level, rounded down', () => {
    expect(available(2.5, bucket)).toBe(7);
    expect(available(9.4, bucket)).toBe(0);
    expect(available(0, bucket)).toBe(10);
  });
});
