import { describe, expect, it } from 'vitest';
import { experimentStats, minimumSampleSize, twoProportionZTest, twoSidedCriticalValue, type VariantCounts, wilsonInterval } from './experiment-stats.js';

const v = (key: string, conversions: number, exposures: number): VariantCounts => ({ key, exposures, conversions });
const control200 = v('control', 200, 1000);
const treatment250 = v('treatment', 250, 1000);

describe('twoSidedCriticalValue', () => {
  it('is the normal quantile at 1 − α/2', () => {
    expect(twoSidedCriticalValue(0.95)).toBeCloseTo(1.959964, 6);
    expect(twoSidedCriticalValue(0.9)).toBeCloseTo(1.644854, 6);
    expect(twoSidedCriticalValue(0.99)).toBeCloseTo(2.575829, 6);
  });

  it('refuses levels outside (0, 1)', () => {
    expect(() => twoSidedCriticalValue(1)).toThrow('(0, 1)');
  });
});

describe('twoProportionZTest', () => {
  it('tests 200/1000 against 250/1000 with the pooled standard error', () => {
    // pooled p = 450/2000 = 0.225; SE = √(0.225 · 0.775 · (1/1000 + 1/1000)) = √0.00034875 = 0.0186748
    // z = (0.25 − 0.20) / 0.0186748 = 2.677398; p = 2 · Φ(−2.677398) = 0.0074196
    const test = twoProportionZTest(control200, treatment250)!;
    expect(test.zScore).toBeCloseTo(2.677398, 5);
    expect(test.pValue).toBeCloseTo(0.0074196, 6);
  });

  it('gives a negative z for a worse variant, with the same two-sided p-value as its mirror', () => {
    // 200/1000 vs 150/1000: pooled 0.175; SE = √(0.175 · 0.825 · 0.002) = 0.0169926; z = −0.05/0.0169926 = −2.942449; p = 0.0032563
    const test = twoProportionZTest(control200, v('worse', 150, 1000))!;
    expect(test.zScore).toBeCloseTo(-2.942449, 5);
    expect(test.pValue).toBeCloseTo(0.0032563, 6);
  });

  it('has no test without exposures on a side, or when nobody (or everybody) converted on both', () => {
    expect(twoProportionZTest(v('c', 0, 0), v('t', 5, 10))).toBeNull();
    expect(twoProportionZTest(v('c', 0, 100), v('t', 0, 100))).toBeNull(); // pooled 0 → SE 0
    expect(twoProportionZTest(v('c', 100, 100), v('t', 50, 50))).toBeNull(); // pooled 1 → SE 0
  });

  it('tests a 0 % control against a converting variant', () => {
    // pooled 10/200 = 0.05; SE = √(0.05 · 0.95 · 0.02) = √0.00095 = 0.0308221; z = 0.1/0.0308221 = 3.244428
    expect(twoProportionZTest(v('c', 0, 100), v('t', 10, 100))!.zScore).toBeCloseTo(3.244428, 5);
  });
});

describe('wilsonInterval', () => {
  it('brackets 200/1000 at 95 %', () => {
    // z²/n = 3.841459/1000; center = (0.2 + 0.0019207)/1.0038415 = 0.2011480
    // half = 1.959964/1.0038415 · √(0.16/1000 + 0.0038415/4000) = 1.952464 · 0.0126870 = 0.0247710
    const ci = wilsonInterval(200, 1000, 0.95)!;
    expect(ci.lower).toBeCloseTo(0.176377, 5);
    expect(ci.upper).toBeCloseTo(0.225919, 5);
  });

  it('stays inside [0, 1] and is not empty at 0 % and 100 %', () => {
    // 0/10: upper = (z²/n)/(1 + z²/n) = 0.3841459/1.3841459 = 0.277533; 10/10 mirrors it
    const zero = wilsonInterval(0, 10, 0.95)!;
    expect(zero.lower).toBe(0);
    expect(zero.upper).toBeCloseTo(0.277533, 5);
    const all = wilsonInterval(10, 10, 0.95)!;
    expect(all.lower).toBeCloseTo(0.722467, 5);
    expect(all.upper).toBe(1);
  });

  it('is null without exposures', () => {
    expect(wilsonInterval(0, 0, 0.95)).toBeNull();
  });
});

describe('minimumSampleSize', () => {
  it('needs 6,510 users per variant to detect a 10 % lift on a 20 % rate at 95 % with 80 % power', () => {
    // p1 = 0.2, p2 = 0.22, p̄ = 0.21; √(2 · 0.21 · 0.79) = 0.576021; √(0.2 · 0.8 + 0.22 · 0.78) = 0.575847
    // (1.959964 · 0.576021 + 0.841621 · 0.575847)² = (1.128980 + 0.484645)² = 2.603786; / 0.02² = 6,509.47 → 6,510
    expect(minimumSampleSize(0.2, 0.1, 0.95)).toBe(6510);
  });

  it('needs fewer users for a larger effect and more for a higher confidence', () => {
    // p2 = 0.26, p̄ = 0.23: (1.959964 · 0.595147 + 0.841621 · 0.593633)² / 0.06² = 2.775826 / 0.0036 = 771.06 → 772
    expect(minimumSampleSize(0.2, 0.3, 0.95)).toBe(772);
    // z = 1.644854: (1.644854 · 0.595147 + 0.841621 · 0.593633)² / 0.0036 = (0.978930 + 0.499614)² / 0.0036 = 607.25 → 608
    expect(minimumSampleSize(0.2, 0.3, 0.9)).toBe(608);
    // z = 2.575829: (1.532997 + 0.499614)² / 0.0036 = 1,147.64 → 1,148
    expect(minimumSampleSize(0.2, 0.3, 0.99)).toBe(1148);
  });

  it('is null for a 0 % or unknown control rate and when the target rate would reach 100 %', () => {
    expect(minimumSampleSize(0, 0.1, 0.95)).toBeNull();
    expect(minimumSampleSize(null, 0.1, 0.95)).toBeNull();
    expect(minimumSampleSize(0.5, 1, 0.95)).toBeNull(); // p2 = 1.0
    expect(minimumSampleSize(1, 0.1, 0.95)).toBeNull();
  });
});

describe('experimentStats', () => {
  it('reports each variant against the control', () => {
    const r = experimentStats([control200, treatment250], { confidenceLevel: 0.95, minimumDetectableEffect: 0.1 });
    expect(r.control).toBe('control');
    const [c, t] = r.variants;
    expect(c).toMatchObject({ key: 'control', conversionRate: 0.2, relativeLift: null, zScore: null, pValue: null, significant: false });
    expect(t).toMatchObject({ key: 'treatment', exposures: 1000, conversions: 250, conversionRate: 0.25, significant: true });
    expect(t!.relativeLift).toBeCloseTo(0.25, 12); // 0.25/0.20 − 1
    expect(t!.zScore).toBeCloseTo(2.677398, 5);
  });

  it('names no winner before every variant reaches the minimum sample size, however significant', () => {
    // n = 6,510 > 1,000 exposures; p = 0.0074 is significant at 90, 95 and 99 %
    const r = experimentStats([control200, treatment250], { confidenceLevel: 0.95, minimumDetectableEffect: 0.1 });
    expect([r.minimumSampleSizePerVariant, r.sampleSizeReached, r.winner]).toEqual([6510, false, null]);
    expect(r.significantAt).toEqual([
      { confidenceLevel: 0.9, significant: true, winner: null },
      { confidenceLevel: 0.95, significant: true, winner: null },
      { confidenceLevel: 0.99, significant: true, winner: null },
    ]);
  });

  it('names the significantly better variant once the sample size is reached, per level', () => {
    // MDE 0.3: n = 608 (90 %), 772 (95 %), 1,148 (99 %); 1,000 exposures reach the first two only
    const r = experimentStats([control200, treatment250], { confidenceLevel: 0.95, minimumDetectableEffect: 0.3 });
    expect([r.minimumSampleSizePerVariant, r.sampleSizeReached, r.winner]).toEqual([772, true, 'treatment']);
    expect(r.significantAt.map((s) => s.winner)).toEqual(['treatment', 'treatment', null]);
  });

  it('picks the best rate among the significantly better variants and ignores the insignificant', () => {
    // a 250/1000 (z 2.68), b 270/1000 (z 3.69), c 230/1000 (z 1.63, p 0.10: not significant at 95 %)
    const r = experimentStats([control200, v('a', 250, 1000), v('b', 270, 1000), v('c', 230, 1000)], { confidenceLevel: 0.95, minimumDetectableEffect: 0.3 });
    expect(r.variants.map((x) => x.significant)).toEqual([false, true, true, false]);
    expect(r.winner).toBe('b');
  });

  it('names the control when every variant is significantly worse, and nobody when only some are', () => {
    // 150/1000: z −2.94, p 0.0033
    const worse = experimentStats([control200, v('worse', 150, 1000)], { confidenceLevel: 0.95, minimumDetectableEffect: 0.3 });
    expect(worse.winner).toBe('control');
    const mixed = experimentStats([control200, v('worse', 150, 1000), v('same', 205, 1000)], { confidenceLevel: 0.95, minimumDetectableEffect: 0.3 });
    expect(mixed.winner).toBeNull();
  });

  it('is all nulls and no winner without exposures', () => {
    const r = experimentStats([v('control', 0, 0), v('treatment', 0, 0)], { confidenceLevel: 0.95, minimumDetectableEffect: 0.1 });
    expect(r.variants[1]).toMatchObject({ conversionRate: null, confidenceInterval: null, relativeLift: null, zScore: null, pValue: null, significant: false });
    expect([r.minimumSampleSizePerVariant, r.sampleSizeReached, r.winner]).toEqual([null, false, null]);
    expect(r.significantAt.every((s) => !s.significant && s.winner === null)).toBe(true);
  });

  it('has no lift or sample size on a 0 % control, and no test when everyone converts everywhere', () => {
    const zero = experimentStats([v('control', 0, 100), v('t', 10, 100)], { confidenceLevel: 0.95, minimumDetectableEffect: 0.1 });
    expect(zero.variants[1]).toMatchObject({ relativeLift: null, significant: true });
    expect([zero.minimumSampleSizePerVariant, zero.winner]).toEqual([null, null]);
    const full = experimentStats([v('control', 100, 100), v('t', 100, 100)], { confidenceLevel: 0.95, minimumDetectableEffect: 0.1 });
    expect(full.variants[1]).toMatchObject({ conversionRate: 1, relativeLift: 0, zScore: null, significant: false });
    expect(full.minimumSampleSizePerVariant).toBeNull();
  });
});
