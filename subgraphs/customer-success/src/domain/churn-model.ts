/**
 * Churn risk: a logistic regression trained on the tenant's own churned and
 * retained customers, explained by per-feature contributions to the log-odds,
 * with a documented rule-based estimate when the history is too small.
 * Method, constants and labels: docs/customer-success-methods.md, "Churn risk".
 */
import { ValidationError } from '@platform/core';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { mean, standardDeviation } from 'simple-statistics';
import { predictChurnDate } from './churn-date.js';
import { RULE_BASED_INTERCEPT, ruleBasedContributions } from './churn-rules.js';
import type { FactorName, HealthComputation } from './health-score.js';

export const CHURN_FEATURES = ['healthScore', 'usage', 'engagement', 'support', 'financial', 'tenureDays', 'openTickets', 'paymentFailures90d'] as const;
export type ChurnFeature = (typeof CHURN_FEATURES)[number];
/** The caller imputes missing health figures with IMPUTED_SCORE, the same way in training and prediction. */
export type ChurnFeatureVector = Record<ChurnFeature, number>;
export interface ChurnTrainingSample {
  features: ChurnFeatureVector;
  churned: boolean;
}
export interface ChurnModel {
  features: ChurnFeature[];
  means: number[];
  standardDeviations: number[];
  coefficients: number[];
  intercept: number;
  samples: number;
  churned: number;
  retained: number;
  trainedAt: string;
}
export type ChurnRiskLevel = 'VERY_LOW' | 'LOW' | 'MEDIUM' | 'HIGH' | 'VERY_HIGH';
export interface ChurnContribution {
  feature: ChurnFeature;
  value: number;
  standardisedValue: number;
  coefficient: number;
  contribution: number;
}
export interface ChurnPrediction {
  probability: number;
  level: ChurnRiskLevel;
  method: 'LOGISTIC_REGRESSION' | 'RULE_BASED';
  contributions: ChurnContribution[];
  predictedChurnDate: Date | null;
}

/** Value a missing health score or factor is imputed with: the middle of the scale, so it pulls neither way. */
export const IMPUTED_SCORE = 50;
// Fewer than 40 customers, or fewer than 10 in either class, gives
// coefficients that swing with every added customer; the rules are steadier.
export const MIN_TRAINING_SAMPLES = 40;
export const MIN_SAMPLES_PER_CLASS = 10;
// Gradient ascent on the summed log-likelihood (the library's method) with
// step 0.5/n, i.e. 0.5 on the mean gradient: below 2/L for standardised
// features (L ≤ 2 here), so it converges without oscillating. The fixed number
// of steps also keeps coefficients finite on perfectly separable histories.
export const TRAINING_STEPS = 3000;
export const LEARNING_RATE = 0.5;

export const CHURN_METHOD_LABELS: Record<ChurnPrediction['method'], string> = {
  LOGISTIC_REGRESSION: "Logistic regression trained on this workspace's churned and retained customers",
  RULE_BASED: `Rule-based estimate: not enough churn history to train a model yet (needs ${MIN_TRAINING_SAMPLES} customers, at least ${MIN_SAMPLES_PER_CLASS} churned and ${MIN_SAMPLES_PER_CLASS} retained)`,
};

/**
 * The feature vector for a customer from its health computation plus three
 * facts the caller knows. Missing figures become IMPUTED_SCORE; use this for
 * both training samples and predictions so they are imputed alike.
 */
export function churnFeatureVector(
  health: Pick<HealthComputation, 'score' | 'factors'>,
  facts: { tenureDays: number; openTickets: number; paymentFailures90d: number },
): ChurnFeatureVector {
  const factor = (name: FactorName) => health.factors.find((f) => f.name === name)?.score ?? IMPUTED_SCORE;
  return {
    healthScore: health.score ?? IMPUTED_SCORE,
    usage: factor('usage'),
    engagement: factor('engagement'),
    support: factor('support'),
    financial: factor('financial'),
    ...facts,
  };
}

/** <0.10 VERY_LOW, <0.25 LOW, <0.50 MEDIUM, <0.75 HIGH, else VERY_HIGH. */
export function riskLevelOf(probability: number): ChurnRiskLevel {
  if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
    throw ValidationError.single('probability', 'must be a number from 0 to 1');
  }
  if (probability < 0.1) return 'VERY_LOW';
  if (probability < 0.25) return 'LOW';
  if (probability < 0.5) return 'MEDIUM';
  if (probability < 0.75) return 'HIGH';
  return 'VERY_HIGH';
}

/** null when history is too small (fewer than MIN_TRAINING_SAMPLES or fewer than MIN_SAMPLES_PER_CLASS churned or retained). */
export function trainChurnModel(samples: ChurnTrainingSample[], now: Date): ChurnModel | null {
  samples.forEach((s, i) => {
    assertFeatureVector(s.features, `samples[${i}].features`);
  });
  const churned = samples.filter((s) => s.churned).length;
  const retained = samples.length - churned;
  if (samples.length < MIN_TRAINING_SAMPLES || churned < MIN_SAMPLES_PER_CLASS || retained < MIN_SAMPLES_PER_CLASS) return null;

  const features = [...CHURN_FEATURES];
  const columns = features.map((f) => samples.map((s) => s.features[f]));
  const means = columns.map((column) => mean(column));
  // Population standard deviation; a constant feature gets 1 so it
  // standardises to 0 instead of dividing by zero.
  const standardDeviations = columns.map((column) => {
    const sd = standardDeviation(column);
    return sd > 1e-12 ? sd : 1;
  });
  // The library fits no intercept, so the first column is a constant 1.
  const rows = samples.map((s) => [1, ...features.map((f, j) => (s.features[f] - means[j]!) / standardDeviations[j]!)]);
  const classifier = twoClassClassifier(samples.length);
  classifier.train(new Matrix(rows), Matrix.columnVector(samples.map((s) => (s.churned ? 1 : 0))));
  const weights = classifier.weights!.to1DArray();
  return {
    features,
    means,
    standardDeviations,
    coefficients: weights.slice(1),
    intercept: weights[0]!,
    samples: samples.length,
    churned,
    retained,
    trainedAt: now.toISOString(),
  };
}

/** model null → documented rule-based estimate (method RULE_BASED), contributions from the rules. */
export function predictChurn(
  model: ChurnModel | null,
  features: ChurnFeatureVector,
  recentScores: { score: number; at: Date }[],
  now: Date,
): ChurnPrediction {
  assertFeatureVector(features, 'features');
  const method = model ? 'LOGISTIC_REGRESSION' : 'RULE_BASED';
  const contributions = model ? modelContributions(model, features) : ruleBasedContributions(features);
  const intercept = model ? model.intercept : RULE_BASED_INTERCEPT;
  const logOdds = contributions.reduce((sum, c) => sum + c.contribution, intercept);
  const probability = 1 / (1 + Math.exp(-logOdds));
  const level = riskLevelOf(probability);
  // A date is only worth showing when the risk is real (MEDIUM or above).
  const predictedChurnDate = level === 'VERY_LOW' || level === 'LOW' ? null : predictChurnDate(recentScores, now);
  return { probability, level, method, contributions: sortByImpact(contributions), predictedChurnDate };
}

/**
 * The library's binary classifier on its own. `new LogisticRegression().train`
 * would fit one-vs-all, i.e. two classifiers for two classes (twice the work,
 * one of them with labels inverted); `load` with one empty classifier gives
 * the binary trainer through the package's public API, fitted on 1 = churned.
 */
function twoClassClassifier(samples: number) {
  const options = { numSteps: TRAINING_STEPS, learningRate: LEARNING_RATE / samples };
  const regression = LogisticRegression.load({ name: 'LogisticRegression', numberClasses: 1, ...options, classifiers: [{ ...options, weights: null }] });
  return regression.classifiers[0]!;
}

function modelContributions(model: ChurnModel, features: ChurnFeatureVector): ChurnContribution[] {
  return model.features.map((feature, j) => {
    const value = features[feature];
    const standardisedValue = (value - model.means[j]!) / model.standardDeviations[j]!;
    const coefficient = model.coefficients[j]!;
    return { feature, value, standardisedValue, coefficient, contribution: coefficient * standardisedValue };
  });
}

/**
 * Largest effect first; ties keep CHURN_FEATURES order (Array.sort is stable).
 * Magnitudes are compared to 1e-9 so that floating-point noise (0.8 × 3 is
 * 2.4000000000000004, 0.06 × 40 is 2.4) does not decide the order of equal effects.
 */
function sortByImpact(contributions: ChurnContribution[]): ChurnContribution[] {
  const magnitude = (c: ChurnContribution) => Math.round(Math.abs(c.contribution) * 1e9);
  return [...contributions].sort((a, b) => magnitude(b) - magnitude(a));
}

function assertFeatureVector(vector: ChurnFeatureVector, path: string): void {
  const errors = CHURN_FEATURES.filter((f) => typeof vector[f] !== 'number' || !Number.isFinite(vector[f])).map((f) => ({
    path: `${path}.${f}`,
    message: 'must be a finite number (impute missing health figures with 50)',
  }));
  if (errors.length > 0) throw new ValidationError(errors, 'The churn features are not valid');
}
