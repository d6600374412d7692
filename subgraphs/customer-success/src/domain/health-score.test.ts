import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import {
  bandOf,
  computeHealthScore,
  DEFAULT_HEALTH_WEIGHTS,
  type HealthInputs,
  type HealthWeights,
  type PaymentInput,
  type SupportTicketInput,
  trendOf,
  type UsageSnapshot,
  validateHealthWeights,
} from './health-score.js';

const NOW = new Date('2025-06-30T00:00:00Z');
const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

function usage(overrides: Partial<UsageSnapshot> = {}): UsageSnapshot {
  return {
    periodStart: d('2025-05-31'),
    periodEnd: d('2025-06-30'), // 30 days
    dailyActiveUsers: 9,
    weeklyActiveUsers: 20,
    monthlyActiveUsers: 30,
    licensedSeats: 50,
    eventCount: 5000,
    sessionCount: 270,
    featuresUsed: 8,
    featuresAvailable: 20,
    lastActivityAt: d('2025-06-08'), // 22 days before NOW
    ...overrides,
  };
}
const ticket = (priority: SupportTicketInput['priority'], status: SupportTicketInput['status'], openedAt: string): SupportTicketInput => ({
  priority,
  status,
  openedAt: d(openedAt),
  resolvedAt: status === 'RESOLVED' ? NOW : null,
});
const failed = (at: string): PaymentInput => ({ kind: 'FAILED', at: d(at), amountMinor: 10_000, daysLate: null });
const paid = (at: string, daysLate: number | null): PaymentInput => ({ kind: 'PAID', at: d(at), amountMinor: 10_000, daysLate });

// The worked example of docs/customer-success-methods.md.
const EXAMPLE: HealthInputs = {
  usage: usage(),
  tickets: [ticket('URGENT', 'OPEN', '2025-06-15'), ticket('LOW', 'OPEN', '2025-05-01'), ticket('HIGH', 'RESOLVED', '2025-06-01')],
  nps: [
    { score: 8, respondedAt: NOW },
    { score: 4, respondedAt: d('2025-04-01') }, // 90 days old: weight 0.5
  ],
  payments: [failed('2025-04-01'), paid('2025-06-30', 15), paid('2025-05-31', 0)],
};

function fieldErrorsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fieldErrors;
  }
  throw new Error('expected a ValidationError');
}

describe('validateHealthWeights', () => {
  it('accepts the default weights and any whole-number split that adds up to 100', () => {
    expect(() => validateHealthWeights(DEFAULT_HEALTH_WEIGHTS)).not.toThrow();
    expect(() => validateHealthWeights({ usage: 100, engagement: 0, support: 0, financial: 0 })).not.toThrow();
  });

  it('names each bad weight by its path', () => {
    const errors = fieldErrorsOf(() => validateHealthWeights({ usage: 35.5, engagement: -5, support: 101, financial: 20 }));
    expect(errors.map((e) => e.path)).toEqual(['weights.usage', 'weights.engagement', 'weights.support']);
  });

  it('rejects weights that do not add up to 100 on the path "weights"', () => {
    expect(fieldErrorsOf(() => validateHealthWeights({ usage: 35, engagement: 25, support: 20, financial: 10 }))).toEqual([
      { path: 'weights', message: 'must add up to 100 (they add up to 90)' },
    ]);
  });

  it('rejects a missing factor and an unknown one', () => {
    const weights = { usage: 35, engagement: 25, support: 40, nps: 0 } as unknown as HealthWeights;
    expect(fieldErrorsOf(() => validateHealthWeights(weights)).map((e) => e.path)).toEqual(['weights.financial', 'weights.nps']);
  });

  it('is applied by computeHealthScore', () => {
    expect(() => computeHealthScore(EXAMPLE, { usage: 50, engagement: 50, support: 50, financial: 50 }, null, NOW)).toThrow(ValidationError);
  });
});

describe('bandOf and trendOf', () => {
  it.each([
    [0, 'RED'],
    [50, 'RED'],
    [51, 'YELLOW'],
    [75, 'YELLOW'],
    [76, 'GREEN'],
    [100, 'GREEN'],
  ])('score %d is %s', (score, band) => {
    expect(bandOf(score)).toBe(band);
  });

  it('refuses a score outside 0..100', () => {
    expect(() => bandOf(101)).toThrow(ValidationError);
    expect(() => bandOf(-1)).toThrow(ValidationError);
    expect(() => bandOf(Number.NaN)).toThrow(ValidationError);
  });

  it.each([
    [70, null, 'NEW'],
    [73, 70, 'IMPROVING'],
    [72, 70, 'STABLE'],
    [68, 70, 'STABLE'],
    [67, 70, 'DECLINING'],
  ] as const)('score %d after %s is %s (threshold ±3)', (score, previous, trend) => {
    expect(trendOf(score, previous)).toBe(trend);
  });
});

describe('computeHealthScore', () => {
  it('scores the worked example to the hand-computed factors and total', () => {
    const result = computeHealthScore(EXAMPLE, DEFAULT_HEALTH_WEIGHTS, 62, NOW);
    // usage: activation 30/50 = 0.6, adoption 8/20 = 0.4 → 100 × (0.6×0.6 + 0.4×0.4) = 52.0
    // engagement: DAU/MAU 0.3 → 0.3/0.5 = 0.6; 270/30 = 9 sessions per user → 9/12 = 0.75;
    //   22 days since activity → 1 − (22−7)/30 = 0.5 → 100 × (0.4×0.6 + 0.3×0.75 + 0.3×0.5) = 61.5
    // support: open URGENT 15 days old 35 × 1.5 = 52.5, open LOW 60 days old 5 × 2 = 10 → tickets 37.5;
    //   NPS (8×1 + 4×0.5) / 1.5 = 6.667 → 66.67; 0.6×37.5 + 0.4×66.67 = 49.17 → 49.2
    // financial: failure 90 days ago 40 × 0.5 = 20, paid 15 days late today 20 × 15/30 = 10 → 70.0
    expect(result.factors.map((f) => [f.name, f.score, f.weight, f.effectiveWeight])).toEqual([
      ['usage', 52, 35, 35],
      ['engagement', 61.5, 25, 25],
      ['support', 49.2, 20, 20],
      ['financial', 70, 20, 20],
    ]);
    // (52×35 + 61.5×25 + 49.2×20 + 70×20) / 100 = 57.415 → 57, YELLOW; 62 → 57 is −5: DECLINING
    expect(result).toMatchObject({ score: 57, band: 'YELLOW', trend: 'DECLINING' });
    expect(result.riskFactors.map((r) => [r.code, r.severity])).toEqual([
      ['URGENT_TICKETS_OPEN', 'HIGH'],
      ['PAYMENT_FAILED', 'HIGH'],
      ['HEALTH_DECLINING', 'MEDIUM'],
      ['INACTIVE', 'MEDIUM'],
      ['LATE_PAYMENTS', 'MEDIUM'],
    ]);
    expect(result.riskFactors.find((r) => r.code === 'HEALTH_DECLINING')?.message).toContain('62 → 57');
    expect(result.recommendations.map((r) => [r.code, r.playbookCategory])).toEqual([
      ['FINANCIAL_FOLLOW_UP', 'RENEWAL'],
      ['ESCALATE_SUPPORT', null],
      ['RE_ENGAGE', null],
    ]);
    expect(result.factors[0]!.explanation).toBe(
      'Seat activation 60% (30 monthly active of 50 licensed seats); feature adoption 40% (8 of 20 features used).',
    );
  });

  it('shares the weight of factors without data among the others in proportion', () => {
    const inputs = { ...EXAMPLE, usage: null };
    // Only support (49.2) and financial (70.0) have data.
    const even = computeHealthScore(inputs, DEFAULT_HEALTH_WEIGHTS, null, NOW);
    expect(even.factors.map((f) => [f.score, f.effectiveWeight])).toEqual([
      [null, 0],
      [null, 0],
      [49.2, 50],
      [70, 50],
    ]);
    expect(even.score).toBe(60); // (49.2 + 70) / 2 = 59.6 → 60
    expect(even.trend).toBe('NEW');

    // support 10 and financial 40 of 50 → 20% and 80%: 0.2×49.2 + 0.8×70 = 65.84 → 66
    const skewed = computeHealthScore(inputs, { usage: 40, engagement: 10, support: 10, financial: 40 }, null, NOW);
    expect(skewed.factors.map((f) => f.effectiveWeight)).toEqual([0, 0, 20, 80]);
    expect(skewed.score).toBe(66);
  });

  it('rounds the total half up', () => {
    // support: one URGENT ticket opened today → 100 − 35 = 65
    // financial: failure today (40) + paid 12 days late today (20 × 12/30 = 8) → 52
    // (65 + 52) / 2 = 58.5 → 59 (banker's rounding would give 58)
    const result = computeHealthScore(
      { usage: null, nps: [], tickets: [ticket('URGENT', 'OPEN', '2025-06-30')], payments: [failed('2025-06-30'), paid('2025-06-30', 12)] },
      DEFAULT_HEALTH_WEIGHTS,
      null,
      NOW,
    );
    expect(result.factors.map((f) => f.score)).toEqual([null, null, 65, 52]);
    expect(result.score).toBe(59);
  });

  it('has no score, band or trend without any data, and says so', () => {
    const result = computeHealthScore({ usage: null, tickets: [], nps: [], payments: [] }, DEFAULT_HEALTH_WEIGHTS, 80, NOW);
    expect(result).toMatchObject({ score: null, band: null, trend: 'NEW', recommendations: [] });
    expect(result.factors.every((f) => f.score === null && f.effectiveWeight === 0)).toBe(true);
    expect(result.riskFactors.map((r) => r.code)).toEqual(['NO_HEALTH_DATA']);
  });

  it('has no score when only factors weighted 0 have data', () => {
    const result = computeHealthScore({ ...EXAMPLE, usage: null }, { usage: 100, engagement: 0, support: 0, financial: 0 }, null, NOW);
    expect(result.score).toBeNull();
  });

  it('measures usage from whichever of activation and adoption is known', () => {
    const adoptionOnly = computeHealthScore({ usage: usage({ licensedSeats: null }), tickets: [], nps: [], payments: [] }, DEFAULT_HEALTH_WEIGHTS, null, NOW);
    expect(adoptionOnly.factors[0]!.score).toBe(40); // 8/20
    const neither = computeHealthScore(
      { usage: usage({ licensedSeats: null, featuresAvailable: null }), tickets: [], nps: [], payments: [] },
      DEFAULT_HEALTH_WEIGHTS,
      null,
      NOW,
    );
    expect(neither.factors[0]!.score).toBeNull();
    expect(neither.factors[1]!.score).toBe(61.5); // engagement is still measured
    expect(neither.score).toBe(62);
  });

  it('treats nobody active as zero engagement and flags seats, engagement and inactivity', () => {
    const idle = usage({ dailyActiveUsers: 0, weeklyActiveUsers: 0, monthlyActiveUsers: 0, sessionCount: 0, lastActivityAt: d('2025-05-21') });
    const result = computeHealthScore({ usage: idle, tickets: [], nps: [], payments: [] }, DEFAULT_HEALTH_WEIGHTS, null, NOW);
    // usage: 0.6×0 + 0.4×0.4 = 16; engagement: recency at 40 days is 0 → 0; (16×35 + 0×25)/60 = 9.33 → 9
    expect(result.factors.map((f) => f.score)).toEqual([16, 0, null, null]);
    expect(result).toMatchObject({ score: 9, band: 'RED' });
    expect(result.riskFactors.map((r) => [r.code, r.severity])).toEqual([
      ['HEALTH_RED', 'HIGH'],
      ['LOW_SEAT_ACTIVATION', 'HIGH'],
      ['LOW_ENGAGEMENT', 'HIGH'],
      ['INACTIVE', 'HIGH'],
    ]);
    expect(result.riskFactors.find((r) => r.code === 'LOW_ENGAGEMENT')?.message).toBe(
      'Engagement factor is 0 of 100 (DAU/MAU 0%; 0 sessions per active user per 30 days; last activity 40 days ago).',
    );
    expect(result.recommendations.map((r) => [r.code, r.playbookCategory])).toEqual([
      ['START_CHURN_PREVENTION', 'CHURN_PREVENTION'],
      ['RE_ENGAGE', null],
      ['ACTIVATE_SEATS', 'ONBOARDING'],
    ]);
  });

  it('flags a detractor and a ticket backlog from the support evidence', () => {
    const tickets = Array.from({ length: 5 }, () => ticket('NORMAL', 'OPEN', '2025-06-30'));
    const result = computeHealthScore({ usage: null, tickets, nps: [{ score: 3, respondedAt: NOW }], payments: [] }, DEFAULT_HEALTH_WEIGHTS, null, NOW);
    // tickets 100 − 5×10 = 50; NPS 3 → 30; 0.6×50 + 0.4×30 = 42
    expect(result.score).toBe(42);
    expect(result.riskFactors.map((r) => [r.code, r.severity])).toEqual([
      ['HEALTH_RED', 'HIGH'],
      ['DETRACTOR', 'HIGH'],
      ['TICKET_BACKLOG', 'MEDIUM'],
    ]);
    expect(result.recommendations.map((r) => r.code)).toEqual(['START_CHURN_PREVENTION', 'ESCALATE_SUPPORT', 'FOLLOW_UP_DETRACTOR']);
  });

  it.each([
    // activation, adoption → usage factor; expansion from 80 up when GREEN
    [40, 32, 80, true], // 0.6×0.8 + 0.4×0.8 = 80
    [40, 31, 79, false], // 0.6×0.8 + 0.4×0.775 = 79
  ])('recommends expansion to a GREEN customer only from usage 80 (MAU %d of 50, %d of 40 features → %d)', (mau, used, usageScore, expands) => {
    const healthy = usage({ monthlyActiveUsers: mau, dailyActiveUsers: 25, sessionCount: 12 * mau, featuresUsed: used, featuresAvailable: 40, lastActivityAt: NOW });
    const result = computeHealthScore({ usage: healthy, tickets: [], nps: [], payments: [paid('2025-06-01', 0)] }, DEFAULT_HEALTH_WEIGHTS, null, NOW);
    expect(result.factors.map((f) => f.score)).toEqual([usageScore, 100, null, 100]);
    expect(result.band).toBe('GREEN');
    expect(result.riskFactors).toEqual([]);
    expect(result.recommendations.map((r) => [r.code, r.playbookCategory])).toEqual(expands ? [['EXPLORE_EXPANSION', 'EXPANSION']] : []);
  });
});
