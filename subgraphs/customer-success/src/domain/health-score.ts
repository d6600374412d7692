/**
 * Customer health score: four factors (usage, engagement, support, financial),
 * each 0–100, combined with per-tenant integer weights into one 0–100 score,
 * a band, a trend, risk factors and recommendations. Pure: the caller loads the
 * inputs (last 90 days of tickets, 180 days of NPS, latest usage snapshot,
 * payments) and stores the result. Every formula is in
 * docs/customer-success-methods.md, "Health score".
 */
import { ValidationError } from '@platform/core';
import { evaluateFactors } from './health-factors.js';
import { deriveSignals } from './health-signals.js';
import { roundHalfUp } from './numbers.js';

export type FactorName = 'usage' | 'engagement' | 'support' | 'financial';
export const FACTOR_NAMES: readonly FactorName[] = ['usage', 'engagement', 'support', 'financial'];
export type HealthWeights = Record<FactorName, number>;
/** The product default (MISSION.md): usage 35%, engagement 25%, support 20%, financial 20%. */
export const DEFAULT_HEALTH_WEIGHTS: HealthWeights = { usage: 35, engagement: 25, support: 20, financial: 20 };

export type HealthBand = 'RED' | 'YELLOW' | 'GREEN';
export type HealthTrend = 'IMPROVING' | 'DECLINING' | 'STABLE' | 'NEW';

export interface UsageSnapshot {
  periodStart: Date;
  periodEnd: Date;
  dailyActiveUsers: number;
  weeklyActiveUsers: number;
  monthlyActiveUsers: number;
  licensedSeats: number | null;
  eventCount: number;
  sessionCount: number;
  featuresUsed: number;
  featuresAvailable: number | null;
  lastActivityAt: Date | null;
}
export interface SupportTicketInput {
  priority: 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';
  status: 'OPEN' | 'RESOLVED';
  openedAt: Date;
  resolvedAt: Date | null;
}
export interface NpsInput {
  score: number;
  respondedAt: Date;
}
export interface PaymentInput {
  kind: 'FAILED' | 'PAID';
  at: Date;
  amountMinor: number;
  /** PAID only: whole days paid after the due date (0 when on time), null if unknown */
  daysLate: number | null;
}
export interface HealthInputs {
  usage: UsageSnapshot | null;
  tickets: SupportTicketInput[];
  nps: NpsInput[];
  payments: PaymentInput[];
}
export interface FactorResult {
  name: FactorName;
  score: number | null;
  weight: number;
  effectiveWeight: number;
  explanation: string;
}
export interface RiskFactor {
  code: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH';
  message: string;
}
export type PlaybookCategory = 'ONBOARDING' | 'RENEWAL' | 'EXPANSION' | 'CHURN_PREVENTION';
export interface Recommendation {
  code: string;
  message: string;
  playbookCategory: PlaybookCategory | null;
}
export interface HealthComputation {
  score: number | null;
  band: HealthBand | null;
  trend: HealthTrend;
  factors: FactorResult[];
  riskFactors: RiskFactor[];
  recommendations: Recommendation[];
}

/** Upper bounds (inclusive) of the RED and YELLOW bands; GREEN is above YELLOW_MAX. */
export const RED_MAX = 50;
export const YELLOW_MAX = 75;
/** A change of at least this many points against the previous score is a trend; less is noise. */
export const TREND_THRESHOLD = 3;

/** Integers 0..100 each, summing to exactly 100; throws ValidationError with paths like `weights.usage` / `weights` (sum). */
export function validateHealthWeights(weights: HealthWeights): void {
  const errors: { path: string; message: string }[] = [];
  for (const name of FACTOR_NAMES) {
    const w = weights[name] as unknown;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 100) {
      errors.push({ path: `weights.${name}`, message: 'must be a whole number from 0 to 100' });
    }
  }
  for (const key of Object.keys(weights)) {
    if (!(FACTOR_NAMES as readonly string[]).includes(key)) {
      errors.push({ path: `weights.${key}`, message: `is not a health factor (expected one of ${FACTOR_NAMES.join(', ')})` });
    }
  }
  if (errors.length === 0) {
    const sum = FACTOR_NAMES.reduce((total, name) => total + weights[name], 0);
    if (sum !== 100) errors.push({ path: 'weights', message: `must add up to 100 (they add up to ${sum})` });
  }
  if (errors.length > 0) throw new ValidationError(errors, 'The health score weights are not valid');
}

/** 0–50 RED, 51–75 YELLOW, 76–100 GREEN (for the integer score the product shows). */
export function bandOf(score: number): HealthBand {
  if (!Number.isFinite(score) || score < 0 || score > 100) {
    throw ValidationError.single('score', 'must be a number from 0 to 100');
  }
  if (score <= RED_MAX) return 'RED';
  if (score <= YELLOW_MAX) return 'YELLOW';
  return 'GREEN';
}

/** NEW without a previous score; ±TREND_THRESHOLD points or more is a move; anything smaller is STABLE. */
export function trendOf(score: number, previousScore: number | null): HealthTrend {
  if (previousScore === null) return 'NEW';
  const delta = score - previousScore;
  if (delta >= TREND_THRESHOLD) return 'IMPROVING';
  if (delta <= -TREND_THRESHOLD) return 'DECLINING';
  return 'STABLE';
}

export function computeHealthScore(
  inputs: HealthInputs,
  weights: HealthWeights,
  previousScore: number | null,
  now: Date,
): HealthComputation {
  validateHealthWeights(weights);
  const evaluations = evaluateFactors(inputs, now);

  // Missing factors hand their weight to the others in proportion to theirs:
  // a customer without a helpdesk link is judged on what we do know rather
  // than dragged down (or up) by a guessed support score.
  const weightWithData = FACTOR_NAMES.reduce((total, name) => total + (evaluations[name].score === null ? 0 : weights[name]), 0);
  const factors: FactorResult[] = FACTOR_NAMES.map((name) => {
    const { score, explanation } = evaluations[name];
    const effectiveWeight = score === null || weightWithData === 0 ? 0 : (weights[name] * 100) / weightWithData;
    return { name, score, weight: weights[name], effectiveWeight, explanation };
  });

  // Combined from the factor scores as shown (one decimal), so anyone can
  // reproduce the total from the figures on screen.
  const weightedSum = factors.reduce((total, f) => total + (f.score ?? 0) * (f.score === null ? 0 : f.weight), 0);
  const score = weightWithData === 0 ? null : roundHalfUp(weightedSum / weightWithData);
  const band = score === null ? null : bandOf(score);
  // Without a score now there is nothing to compare, which is what NEW means.
  const trend = score === null ? 'NEW' : trendOf(score, previousScore);
  const { riskFactors, recommendations } = deriveSignals({ score, band, trend, previousScore, evaluations });
  return { score, band, trend, factors, riskFactors, recommendations };
}
