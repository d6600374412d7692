import { describe, expect, it } from 'vitest';
import { detectAnomalies, expectedAt, historyDays, robustZ, withoutLeadingZeros } from './anomaly.js';

/** A seeded pseudo-random generator (mulberry32), so the noisy series are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Roughly normal noise (sum of three uniforms) with standard deviation `sd`, rounded to whole events. */
function noise(next: () => number, sd: number): number {
  return Math.round((next() + next() + next() - 1.5) * 2 * sd);
}

/** A weekday pattern (Mon … Sun, busy weekdays, quiet weekends) plus noise of standard deviation 5. */
function seasonal(days: number, seed = 2): number[] {
  const week = [100, 120, 130, 125, 110, 40, 30];
  const next = random(seed);
  return Array.from({ length: days }, (_, i) => week[i % 7]! + noise(next, 5));
}

const flagged = (values: number[], seasonality: 'NONE' | 'WEEKLY' = 'WEEKLY', threshold = 3.5) =>
  detectAnomalies(values, { threshold, seasonality })
    .map((p, i) => ({ i, ...p }))
    .filter((p) => p.isAnomaly)
    .map((p) => [p.i, p.direction]);

describe('robustZ', () => {
  it('is 0.6745 × (r − median) ÷ MAD', () => {
    // trailing sorted −3 −2 −1 0 1 2 3: median 0; |deviations| 0 1 1 2 2 3 3: MAD 2
    // z = 0.6745 × (12 − 0) ÷ 2 = 4.047
    expect(robustZ(12, [1, -2, 3, 0, -1, 2, -3], 100)).toBeCloseTo(4.047, 10);
    expect(robustZ(-12, [1, -2, 3, 0, -1, 2, -3], 100)).toBeCloseTo(-4.047, 10);
  });

  it('falls back to 1.253314 × mean absolute deviation when MAD is 0', () => {
    // trailing 0 0 0 0 0 10 10 10: median 0, MAD 0; mean |deviation| = 30 ÷ 8 = 3.75
    // scale = 1.253314 × 3.75 = 4.6999275 (above the floor max(1, 5 % of 10) = 1)
    // z = 20 ÷ 4.6999275 = 4.25538
    expect(robustZ(20, [0, 0, 0, 0, 0, 10, 10, 10], 10)).toBeCloseTo(20 / 4.6999275, 10);
  });

  it('never divides by less than max(1, 5 % of expected) when the residuals are (almost) all equal', () => {
    // mean |deviation| = 2 ÷ 8 = 0.25 → 0.313; floor = max(1, 0.05 × 100) = 5: z = 30 ÷ 5 = 6
    expect(robustZ(30, [0, 0, 0, 0, 2, 0, 0, 0], 100)).toBe(6);
    // all equal: scale = floor = 1 (expected 3): a residual of 2 scores 2
    expect(robustZ(2, [0, 0, 0, 0, 0, 0, 0], 3)).toBe(2);
  });
});

describe('expectedAt', () => {
  it('WEEKLY: the median of the same weekday in the previous four weeks, needing two of them', () => {
    const values = Array.from({ length: 35 }, (_, i) => i);
    // lags 7, 14, 21, 28 of day 30: 23, 16, 9, 2 → median (9 + 16) ÷ 2 = 12.5
    expect(expectedAt(values, 30, 'WEEKLY')).toBe(12.5);
    // day 14 has lags 7 and 14 only: (7 + 0) ÷ 2 = 3.5
    expect(expectedAt(values, 14, 'WEEKLY')).toBe(3.5);
    // day 13 has lag 7 only
    expect(expectedAt(values, 13, 'WEEKLY')).toBeNull();
  });

  it('NONE: the median of the previous 14 days, needing 7', () => {
    const values = [5, 1, 4, 2, 3, 9, 8, 7, 100];
    // day 7: 5 1 4 2 3 9 8 → sorted 1 2 3 4 5 8 9 → 4
    expect(expectedAt(values, 7, 'NONE')).toBe(4);
    expect(expectedAt(values, 6, 'NONE')).toBeNull();
  });
});

describe('withoutLeadingZeros', () => {
  it('turns the zeros before the first non-zero value into no data, and keeps later zeros', () => {
    expect(withoutLeadingZeros([0, 0, 3, 0, 5])).toEqual([null, null, 3, 0, 5]);
    expect(withoutLeadingZeros([0, 0])).toEqual([null, null]);
  });
});

describe('detectAnomalies', () => {
  it('scores a small NONE case by hand', () => {
    // 10 11 10 9 repeating: every window of up to 14 earlier days has at most 4 values on each side of 10, so its median is 10
    const values = Array.from({ length: 22 }, (_, i) => 10 + [0, 1, 0, -1][i % 4]!);
    values[21] = 20;
    const points = detectAnomalies(values, { threshold: 3.5, seasonality: 'NONE' });
    expect(points.slice(0, 7).every((p) => p.expected === null)).toBe(true);
    expect(points.slice(7).map((p) => p.expected)).toEqual(Array(15).fill(10));
    // day 20 has only 13 earlier residuals (days 7 … 19): no score yet
    expect(points[20]).toMatchObject({ score: null, isAnomaly: false });
    // day 21: residual 20 − 10 = 10; residuals of days 7 … 20 are −1 ×4, 0 ×7, +1 ×3:
    // median 0, |deviations| 0 ×7 and 1 ×7 → MAD (0 + 1) ÷ 2 = 0.5; z = 0.6745 × 10 ÷ 0.5 = 13.49
    expect(points[21]!.score).toBeCloseTo(13.49, 10);
    expect(points[21]).toMatchObject({ isAnomaly: true, direction: 'SPIKE' });
  });

  it('finds a spike and a drop injected into a weekday-seasonal series, and nothing else', () => {
    const values = seasonal(84);
    values[70] = values[70]! + 80; // a Monday (70 mod 7 = 0) at 180 instead of ~100
    values[75] = Math.round(values[75]! * 0.3); // a Saturday at ~12 instead of ~40
    expect(flagged(values)).toEqual([
      [70, 'SPIKE'],
      [75, 'DROP'],
    ]);
  });

  it('does not mistake the weekly rhythm for anomalies with WEEKLY seasonality', () => {
    expect(flagged(seasonal(84))).toEqual([]);
  });

  it('keeps the baseline robust: a spike does not move the next week’s baseline', () => {
    const values = seasonal(84);
    [values[42], values[49], values[56], values[63]] = [102, 103, 104, 180];
    const points = detectAnomalies(values, { threshold: 3.5, seasonality: 'WEEKLY' });
    // day 70's baseline is the median of days 63 (spiked), 56, 49, 42: the spike is outvoted
    // median of 180 104 103 102 = (103 + 104) ÷ 2
    expect(points[70]!.expected).toBe(103.5);
    expect(flagged(values)).toEqual([[63, 'SPIKE']]);
  });

  it('still finds the same spike a week later (the earlier one is one of four baseline days)', () => {
    const values = seasonal(77);
    values[63] = values[63]! + 80;
    values[70] = values[70]! + 80;
    expect(flagged(values)).toEqual([
      [63, 'SPIKE'],
      [70, 'SPIKE'],
    ]);
  });

  it('raises no false positives on a flat series with noise, nor on a constant one', () => {
    const next = random(7);
    const noisy = Array.from({ length: 120 }, () => 500 + noise(next, 20));
    expect(flagged(noisy, 'NONE')).toEqual([]);
    expect(flagged(noisy, 'WEEKLY')).toEqual([]);
    const constant = Array.from({ length: 60 }, () => 50);
    const points = detectAnomalies(constant, { threshold: 3.5, seasonality: 'WEEKLY' });
    expect(points.filter((p) => p.isAnomaly)).toEqual([]);
    expect(points[59]).toMatchObject({ expected: 50, score: 0 });
  });

  it('never flags a day without enough history: too short a series has expected null', () => {
    const points = detectAnomalies([10, 500, 0, 800, 3, 1000, 7, 9, 2000, 1, 0, 4000, 2, 5], { threshold: 3.5, seasonality: 'WEEKLY' });
    // 14 days: no day has two same-weekday predecessors (day 13 has only day 6)
    expect(points.every((p) => p.expected === null && p.score === null && !p.isAnomaly && p.direction === null)).toBe(true);
  });

  it('treats days without data as missing: no baseline from them and no verdict on them', () => {
    // days 0 … 13 are "no data"; from day 14 on the series is 10 every day
    const values = [...Array(14).fill(null), ...Array(14).fill(10)];
    const points = detectAnomalies(values, { threshold: 3.5, seasonality: 'WEEKLY' });
    expect(points.slice(0, 14).every((p) => p.expected === null && !p.isAnomaly)).toBe(true);
    // day 21 has one same-weekday day with data (14), day 27 too (20): still no baseline
    expect(points[27]!.expected).toBeNull();
  });

  it('asks for enough history to score the first day fully', () => {
    // WEEKLY: 28 days for the baseline + 56 for the residual window; NONE: 14 + 56
    expect(historyDays('WEEKLY')).toBe(84);
    expect(historyDays('NONE')).toBe(70);
  });
});
