import { describe, expect, it } from 'vitest';
import { funnelStepFigures, overallConversion, type StepTally } from './funnel-steps.js';

const tally = (users: number, medianSeconds: number | null = null, meanSeconds: number | null = null): StepTally => ({ users, medianSeconds, meanSeconds });

describe('funnelStepFigures', () => {
  it('derives conversion, step conversion and drop-off from the counts 200 → 120 → 30', () => {
    const steps = funnelStepFigures([tally(200), tally(120, 60, 90), tally(30, 3600, 4000)], 3);
    expect(steps.map((s) => s.count)).toEqual([200, 120, 30]);
    // from step 1: 200/200 = 1, 120/200 = 0.6, 30/200 = 0.15
    expect(steps.map((s) => s.conversionRate)).toEqual([1, 0.6, 0.15]);
    // from the previous step: 200/200 = 1, 120/200 = 0.6, 30/120 = 0.25
    expect(steps.map((s) => s.stepConversionRate)).toEqual([1, 0.6, 0.25]);
    // drop-off: 0, 200 − 120 = 80, 120 − 30 = 90; rates 0/200 = 0, 80/200 = 0.4, 90/120 = 0.75
    expect(steps.map((s) => s.dropOff)).toEqual([0, 80, 90]);
    expect(steps.map((s) => s.dropOffRate)).toEqual([0, 0.4, 0.75]);
    expect(steps.map((s) => s.index)).toEqual([1, 2, 3]);
  });

  it('reports times from the previous step only for steps after the first that someone reached', () => {
    const steps = funnelStepFigures([tally(5, 999, 999), tally(2, 30, 45), tally(0)], 3);
    expect(steps.map((s) => s.medianTimeToConvertSeconds)).toEqual([null, 30, null]);
    expect(steps.map((s) => s.averageTimeToConvertSeconds)).toEqual([null, 45, null]);
  });

  it('fills steps nobody reached with 0 and gives null rates where the denominator is 0', () => {
    // step 1: 4 users, step 2: 0 (missing tally), step 3: missing
    const steps = funnelStepFigures([tally(4)], 3);
    expect(steps.map((s) => s.count)).toEqual([4, 0, 0]);
    expect(steps.map((s) => s.conversionRate)).toEqual([1, 0, 0]);
    // step 3's previous count is 0: 0/0 → null
    expect(steps.map((s) => s.stepConversionRate)).toEqual([1, 0, null]);
    expect(steps.map((s) => s.dropOff)).toEqual([0, 4, 0]);
    expect(steps.map((s) => s.dropOffRate)).toEqual([0, 1, null]);
  });

  it('gives every rate null when nobody did step 1', () => {
    const steps = funnelStepFigures([], 2);
    expect(steps.map((s) => [s.count, s.conversionRate, s.stepConversionRate, s.dropOff, s.dropOffRate])).toEqual([
      [0, null, null, 0, null],
      [0, null, null, 0, null],
    ]);
  });

  it('refuses counts that grow along the funnel (a user at step k counts at every earlier step)', () => {
    expect(() => funnelStepFigures([tally(1), tally(2)], 2)).toThrow(/step 2 has more users/);
  });
});

describe('overallConversion', () => {
  it('is the last step over the first: 30 / 200 = 0.15', () => {
    expect(overallConversion([{ count: 200 }, { count: 120 }, { count: 30 }])).toBe(0.15);
  });

  it('is null when nobody did step 1', () => {
    expect(overallConversion([{ count: 0 }, { count: 0 }])).toBeNull();
  });
});
