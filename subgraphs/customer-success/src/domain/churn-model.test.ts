import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import {
  CHURN_FEATURES,
  CHURN_METHOD_LABELS,
  type ChurnFeatureVector,
  type ChurnTrainingSample,
  churnFeatureVector,
  MIN_SAMPLES_PER_CLASS,
  MIN_TRAINING_SAMPLES,
  predictChurn,
  riskLevelOf,
  trainChurnModel,
} from './churn-model.js';

const NOW = new Date('2025-06-30T00:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

const vector = (overrides: Partial<ChurnFeatureVector>): ChurnFeatureVector => ({
  healthScore: 50, usage: 50, engagement: 50, support: 50, financial: 50, tenureDays: 365, openTickets: 0, paymentFailures90d: 0,
  ...overrides,
});

// Deterministic pseudo-random numbers (a linear congruential generator), so the data set is the same every run.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Churned customers are unhealthy, new and failing payments; retained ones the opposite: perfectly separable. */
function separableHistory(churned: number, retained: number): ChurnTrainingSample[] {
  const r = random(42);
  const between = (lo: number, hi: number) => lo + r() * (hi - lo);
  const sample = (isChurned: boolean): ChurnTrainingSample => {
    const health = isChurned ? between(10, 40) : between(65, 95);
    return {
      churned: isChurned,
      features: {
        healthScore: health,
        usage: health + between(-10, 10),
        engagement: health + between(-10, 10),
        support: between(30, 90),
        financial: isChurned ? between(30, 70) : between(85, 100),
        tenureDays: isChurned ? between(30, 300) : between(200, 1500),
        openTickets: Math.floor(isChurned ? between(2, 7) : between(0, 3)),
        paymentFailures90d: Math.floor(isChurned ? between(1, 4) : between(0, 1)),
      },
    };
  };
  return [...Array.from({ length: churned }, () => sample(true)), ...Array.from({ length: retained }, () => sample(false))];
}

/**
 * 20 churned and 20 retained customers whose values are chosen so that means and
 * standard deviations are easy by hand, and every informative column standardises
 * to exactly −1 for one class and +1 for the other.
 */
function tinyHistory(): ChurnTrainingSample[] {
  const samples: ChurnTrainingSample[] = [];
  for (let i = 0; i < 40; i++) {
    const churned = i < 20;
    samples.push({
      churned,
      features: {
        healthScore: churned ? 30 : 70, // mean 50, sd 20
        usage: churned ? 20 : 80, // mean 50, sd 30
        engagement: 50, // constant: sd 0 → 1
        support: i % 2 === 0 ? 40 : 60, // mean 50, sd 10, half of each class at each value: unrelated to churn
        financial: 100, // constant
        tenureDays: churned ? 100 : 500, // mean 300, sd 200
        openTickets: churned ? 4 : 0, // mean 2, sd 2
        paymentFailures90d: churned ? 1 : 0, // mean 0.5, sd 0.5
      },
    });
  }
  return samples;
}

describe('riskLevelOf', () => {
  it.each([
    [0, 'VERY_LOW'],
    [0.0999, 'VERY_LOW'],
    [0.1, 'LOW'],
    [0.2499, 'LOW'],
    [0.25, 'MEDIUM'],
    [0.4999, 'MEDIUM'],
    [0.5, 'HIGH'],
    [0.7499, 'HIGH'],
    [0.75, 'VERY_HIGH'],
    [1, 'VERY_HIGH'],
  ])('probability %d is %s', (p, level) => {
    expect(riskLevelOf(p)).toBe(level);
  });

  it('refuses anything that is not a probability', () => {
    for (const p of [-0.1, 1.1, Number.NaN]) expect(() => riskLevelOf(p)).toThrow(ValidationError);
  });
});

describe('trainChurnModel', () => {
  it('returns null until there are enough customers in each class', () => {
    expect(MIN_TRAINING_SAMPLES).toBe(40);
    expect(MIN_SAMPLES_PER_CLASS).toBe(10);
    expect(trainChurnModel(separableHistory(15, 24), NOW)).toBeNull(); // 39 customers
    expect(trainChurnModel(separableHistory(9, 31), NOW)).toBeNull(); // 9 churned
    expect(trainChurnModel(separableHistory(31, 9), NOW)).toBeNull(); // 9 retained
    expect(trainChurnModel(separableHistory(10, 30), NOW)).not.toBeNull();
  });

  it('standardises with the training means and population standard deviations (0 → 1)', () => {
    const model = trainChurnModel(tinyHistory(), NOW)!;
    expect(model.features).toEqual([...CHURN_FEATURES]);
    expect(model.means).toEqual([50, 50, 50, 50, 100, 300, 2, 0.5]);
    expect(model.standardDeviations).toEqual([20, 30, 1, 10, 1, 200, 2, 0.5]);
    expect(model).toMatchObject({ samples: 40, churned: 20, retained: 20, trainedAt: '2025-06-30T00:00:00.000Z' });
  });

  it('learns the direction of each feature and nothing from constant or unrelated ones', () => {
    const model = trainChurnModel(tinyHistory(), NOW)!;
    const [health, usage, engagement, support, financial, tenure, tickets, failures] = model.coefficients as [number, number, number, number, number, number, number, number];
    // Constant columns standardise to 0, so their gradient (and coefficient) stays exactly 0; support is split
    // evenly within each class, so its gradient cancels at every step; the classes mirror each other, so the
    // intercept stays 0.
    expect(engagement).toBe(0);
    expect(financial).toBe(0);
    expect(support).toBeCloseTo(0, 12);
    expect(model.intercept).toBeCloseTo(0, 12);
    // The five informative columns are ±1 in the same rows, so they share one magnitude c with the sign of
    // their relation to churn: lower health, usage and tenure and more tickets and failures mean churn.
    const c = tickets;
    expect(c).toBeGreaterThan(0.5);
    for (const negative of [health, usage, tenure]) expect(negative).toBeCloseTo(-c, 10);
    expect(failures).toBeCloseTo(c, 10);
  });

  it('refuses a non-finite feature, naming the sample', () => {
    const samples = tinyHistory();
    samples[3]!.features.usage = Number.NaN;
    try {
      trainChurnModel(samples, NOW);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).fieldErrors).toEqual([
        { path: 'samples[3].features.usage', message: 'must be a finite number (impute missing health figures with 50)' },
      ]);
    }
  });
});

describe('predictChurn with a trained model', () => {
  it('explains the log-odds as coefficient × standardised value, largest first', () => {
    const model = trainChurnModel(tinyHistory(), NOW)!;
    const c = model.coefficients[6]!;
    // health 40 → (40−50)/20 = −0.5; tickets 3 → (3−2)/2 = 0.5; failures 0.5 → 0; tenure 300 → 0; usage 50 → 0;
    // engagement 10 → (10−50)/1 = −40 and support 90 → 4, but their coefficients are 0.
    const prediction = predictChurn(model, vector({ healthScore: 40, engagement: 10, support: 90, financial: 100, tenureDays: 300, openTickets: 3, paymentFailures90d: 0.5 }), [], NOW);
    expect(prediction.method).toBe('LOGISTIC_REGRESSION');
    const [first, second, ...rest] = prediction.contributions;
    expect(first).toMatchObject({ feature: 'healthScore', value: 40, standardisedValue: -0.5 });
    expect(first!.contribution).toBeCloseTo(0.5 * c, 10); // −c × −0.5
    expect(second).toMatchObject({ feature: 'openTickets', value: 3, standardisedValue: 0.5 });
    expect(second!.contribution).toBeCloseTo(0.5 * c, 10);
    expect(rest.find((x) => x.feature === 'engagement')).toMatchObject({ standardisedValue: -40, coefficient: 0 });
    expect(rest.every((x) => Math.abs(x.contribution) < 1e-9)).toBe(true);
    // log-odds = intercept (0) + c/2 + c/2 = c
    expect(prediction.probability).toBeCloseTo(1 / (1 + Math.exp(-c)), 10);
  });

  it('separates churn-like customers from healthy ones on separable history', () => {
    const model = trainChurnModel(separableHistory(20, 40), NOW)!;
    const churnLike = predictChurn(model, vector({ healthScore: 25, usage: 20, engagement: 30, support: 40, financial: 50, tenureDays: 120, openTickets: 5, paymentFailures90d: 2 }), [], NOW);
    const healthy = predictChurn(model, vector({ healthScore: 85, usage: 90, engagement: 80, support: 70, financial: 95, tenureDays: 900, openTickets: 1, paymentFailures90d: 0 }), [], NOW);
    expect(churnLike.probability).toBeGreaterThan(0.9);
    expect(churnLike.level).toBe('VERY_HIGH');
    expect(healthy.probability).toBeLessThan(0.1);
    expect(healthy.level).toBe('VERY_LOW');
    expect(healthy.predictedChurnDate).toBeNull();
  });
});

describe('predictChurn without a model (rule-based)', () => {
  it('adds the hand-set rules to the log-odds and labels the estimate', () => {
    // −2 + 0.06×(60−30) + 0.8×1 + 0.2×2 + 0.5×0 = 1.0 → 1/(1+e^−1) = 0.7311 → HIGH
    const p = predictChurn(null, vector({ healthScore: 30, paymentFailures90d: 1, openTickets: 2, tenureDays: 400 }), [], NOW);
    expect(p.method).toBe('RULE_BASED');
    expect(p.probability).toBeCloseTo(0.731059, 6);
    expect(p.level).toBe('HIGH');
    expect(p.contributions.map((x) => [x.feature, x.value, x.standardisedValue, x.coefficient])).toEqual([
      ['healthScore', 30, 30, 0.06],
      ['paymentFailures90d', 1, 1, 0.8],
      ['openTickets', 2, 2, 0.2],
      ['tenureDays', 400, 0, 0.5],
    ]);
    expect(p.contributions.map((x) => x.contribution)).toEqual([expect.closeTo(1.8, 10), 0.8, 0.4, 0]);
    expect(CHURN_METHOD_LABELS.RULE_BASED).toMatch(/^Rule-based estimate: not enough churn history/);
  });

  it('gives a healthy established customer a very low risk', () => {
    // −2 + 0.06×(60−90) = −3.8 → 0.0219
    const p = predictChurn(null, vector({ healthScore: 90, tenureDays: 400 }), [], NOW);
    expect(p.probability).toBeCloseTo(0.021881, 6);
    expect(p.level).toBe('VERY_LOW');
  });

  it('caps failures at 3 and tickets at 5 and adds the new-customer rule', () => {
    // −2 + 0.06×40 + 0.8×3 + 0.2×5 + 0.5×1 = 4.3 → 0.98661; health and failures tie at 2.4 and keep feature order
    const p = predictChurn(null, vector({ healthScore: 20, paymentFailures90d: 5, openTickets: 9, tenureDays: 100 }), [], NOW);
    expect(p.contributions.map((x) => x.standardisedValue)).toEqual([40, 3, 5, 1]);
    expect(p.probability).toBeCloseTo(0.986613, 6);
    expect(p.level).toBe('VERY_HIGH');
  });
});

describe('predicted churn date', () => {
  const atRisk = vector({ healthScore: 40, paymentFailures90d: 1, openTickets: 2, tenureDays: 400 }); // −2 + 1.2 + 0.8 + 0.4 = 0.4 → 0.599, HIGH
  const daysFromNow = (date: Date | null) => (date === null ? null : (date.getTime() - NOW.getTime()) / DAY);

  it('extrapolates the declining score line to 25', () => {
    // 60, 50, 40 at −60, −30, 0 days: slope −1/3 a day, 40 today → 25 in (25−40)/(−1/3) = 45 days
    const scores = [{ score: 60, at: daysAgo(60) }, { score: 50, at: daysAgo(30) }, { score: 40, at: NOW }];
    const p = predictChurn(null, atRisk, scores, NOW);
    expect(p.level).toBe('HIGH');
    expect(daysFromNow(p.predictedChurnDate)).toBeCloseTo(45, 6);
  });

  it('ignores scores older than 90 days or in the future', () => {
    const scores = [{ score: 10, at: daysAgo(120) }, { score: 60, at: daysAgo(60) }, { score: 50, at: daysAgo(30) }, { score: 40, at: NOW }, { score: 99, at: daysAgo(-5) }];
    expect(daysFromNow(predictChurn(null, atRisk, scores, NOW).predictedChurnDate)).toBeCloseTo(45, 6);
  });

  it('is today when the fitted score is already at or below 25', () => {
    const scores = [{ score: 40, at: daysAgo(20) }, { score: 30, at: daysAgo(10) }, { score: 20, at: NOW }];
    expect(predictChurn(null, atRisk, scores, NOW).predictedChurnDate).toEqual(NOW);
  });

  it.each([
    ['the scores improve', [[40, 60], [50, 30], [60, 0]]],
    ['there are only two scores', [[60, 30], [40, 0]]],
    ['the scores span less than 7 days', [[60, 6], [50, 3], [40, 0]]],
    // 60 → 59 over 20 days: −0.05 a day reaches 25 after ~700 days, beyond the 365-day horizon
    ['the decline is too slow to reach 25 within a year', [[60, 20], [59.5, 10], [59, 0]]],
  ])('is null when %s', (_, points) => {
    const scores = (points as [number, number][]).map(([score, ago]) => ({ score, at: daysAgo(ago) }));
    expect(predictChurn(null, atRisk, scores, NOW).predictedChurnDate).toBeNull();
  });

  it('is null when the risk is below MEDIUM, however steep the decline', () => {
    const scores = [{ score: 95, at: daysAgo(60) }, { score: 90, at: daysAgo(30) }, { score: 85, at: NOW }];
    const p = predictChurn(null, vector({ healthScore: 85, tenureDays: 400 }), scores, NOW); // −2 − 1.5 = −3.5 → VERY_LOW
    expect(p.level).toBe('VERY_LOW');
    expect(p.predictedChurnDate).toBeNull();
  });
});

describe('churnFeatureVector', () => {
  it('imputes missing health figures with 50', () => {
    const health = {
      score: null,
      factors: [
        { name: 'usage' as const, score: 72.5, weight: 35, effectiveWeight: 100, explanation: '' },
        { name: 'engagement' as const, score: null, weight: 25, effectiveWeight: 0, explanation: '' },
      ],
    };
    expect(churnFeatureVector(health, { tenureDays: 30, openTickets: 1, paymentFailures90d: 2 })).toEqual({
      healthScore: 50, usage: 72.5, engagement: 50, support: 50, financial: 50, tenureDays: 30, openTickets: 1, paymentFailures90d: 2,
    });
  });
});
