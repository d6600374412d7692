/**
 * Significance of an A/B experiment's conversion rates: a two-proportion
 * z-test of each variant against the control (pooled standard error), a
 * Wilson score interval per variant, the minimum sample size per variant for
 * the experiment's minimum detectable effect at 80 % power, and the winner
 * rule. Pure arithmetic over (exposures, conversions) counts.
 * Method: docs/analytics/experiments.md.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** The levels every result also reports (`significantAt`). */
export const REPORTED_CONFIDENCE_LEVELS = [0.9, 0.95, 0.99] as const;
/** Statistical power of the sample-size requirement. */
export const POWER = 0.8;

export interface VariantCounts {
  key: string;
  /** Users exposed (each counted once). */
  exposures: number;
  /** Exposed users who converted after their exposure. */
  conversions: number;
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface VariantResult extends VariantCounts {
  /** conversions ÷ exposures; null without exposures. */
  conversionRate: number | null;
  /** Wilson score interval of the rate at the confidence level; null without exposures. */
  confidenceInterval: Interval | null;
  /** rate ÷ control rate − 1; null for the control, and when either rate is unknown or the control's is 0. */
  relativeLift: number | null;
  /** (rate − control rate) ÷ pooled SE; null for the control and when the SE is 0 or undefined. */
  zScore: number | null;
  /** Two-sided. */
  pValue: number | null;
  /** pValue < 1 − confidence level (never for the control). */
  significant: boolean;
}

export interface SignificanceLevel {
  confidenceLevel: number;
  /** Some variant differs significantly from the control at this level. */
  significant: boolean;
  winner: string | null;
}

export interface ExperimentStats {
  confidenceLevel: number;
  control: string;
  variants: VariantResult[];
  minimumSampleSizePerVariant: number | null;
  sampleSizeReached: boolean;
  winner: string | null;
  significantAt: SignificanceLevel[];
}

/** z such that P(|Z| ≤ z) = confidence level, e.g. 1.959964 at 0.95. */
export function twoSidedCriticalValue(confidenceLevel: number): number {
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${confidenceLevel}`);
  return normalQuantile(1 - (1 - confidenceLevel) / 2, 0, 1);
}

export function conversionRate(c: VariantCounts): number | null {
  return c.exposures > 0 ? c.conversions / c.exposures : null;
}

/**
 * Wilson score interval: center (p̂ + z²/2n) / (1 + z²/n), half-width
 * z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²). Chosen over Wald because it stays
 * inside [0, 1] and is not zero-width at 0 % or 100 %.
 */
export function wilsonInterval(conversions: number, exposures: number, confidenceLevel: number): Interval | null {
  if (exposures <= 0) return null;
  const z = twoSidedCriticalValue(confidenceLevel);
  const p = conversions / exposures;
  const z2n = (z * z) / exposures;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / exposures + z2n / (4 * exposures));
  // At 0 and n conversions the bound is exactly 0 or 1; floating point would give ±1e-17.
  return { lower: conversions === 0 ? 0 : Math.max(0, center - half), upper: conversions === exposures ? 1 : Math.min(1, center + half) };
}

/**
 * Two-proportion z-test with pooled standard error:
 * p = (c₁ + c₂)/(n₁ + n₂), SE = √(p(1 − p)(1/n₁ + 1/n₂)), z = (p̂₂ − p̂₁)/SE,
 * two-sided p-value 2·Φ(−|z|). Null when a side has no exposures or SE is 0
 * (nobody or everybody converted on both sides: no evidence either way).
 */
export function twoProportionZTest(control: VariantCounts, variant: VariantCounts): { zScore: number; pValue: number } | null {
  if (control.exposures <= 0 || variant.exposures <= 0) return null;
  const pooled = (control.conversions + variant.conversions) / (control.exposures + variant.exposures);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.exposures + 1 / variant.exposures));
  if (!(se > 0)) return null;
  const zScore = (variant.conversions / variant.exposures - control.conversions / control.exposures) / se;
  return { zScore, pValue: 2 * normalCdf(-Math.abs(zScore), 0, 1) };
}

/**
 * Users per variant needed to detect p₂ = p₁(1 + MDE) against p₁ at the
 * confidence level (two-sided) with 80 % power:
 * n = (z₁₋α/₂·√(2p̄(1 − p̄)) + z₀.₈·√(p₁(1 − p₁) + p₂(1 − p₂)))² / (p₂ − p₁)², p̄ = (p₁ + p₂)/2,
 * rounded up. Null when p₁ is unknown or 0 (no lift of nothing) or p₂ ≥ 1.
 */
export function minimumSampleSize(p1: number | null, minimumDetectableEffect: number, confidenceLevel: number): number | null {
  if (p1 === null || p1 <= 0) return null;
  const p2 = p1 * (1 + minimumDetectableEffect);
  if (p2 >= 1 || p2 === p1) return null;
  const pBar = (p1 + p2) / 2;
  const zAlpha = twoSidedCriticalValue(confidenceLevel);
  const zPower = normalQuantile(POWER, 0, 1);
  const root = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / ((p2 - p1) * (p2 - p1)));
}

/** Results of every variant against the control (the first) at one confidence level. */
function atLevel(counts: readonly VariantCounts[], confidenceLevel: number, minimumDetectableEffect: number) {
  const control = counts[0]!;
  const controlRate = conversionRate(control);
  const alpha = 1 - confidenceLevel;
  const variants: VariantResult[] = counts.map((c, i) => {
    const rate = conversionRate(c);
    const test = i === 0 ? null : twoProportionZTest(control, c);
    return {
      ...c,
      conversionRate: rate,
      confidenceInterval: wilsonInterval(c.conversions, c.exposures, confidenceLevel),
      relativeLift: i === 0 || rate === null || controlRate === null || controlRate === 0 ? null : rate / controlRate - 1,
      zScore: test?.zScore ?? null,
      pValue: test?.pValue ?? null,
      significant: test !== null && test.pValue < alpha,
    };
  });
  const sampleSize = minimumSampleSize(controlRate, minimumDetectableEffect, confidenceLevel);
  const sampleSizeReached = sampleSize !== null && counts.every((c) => c.exposures >= sampleSize);
  return { variants, sampleSize, sampleSizeReached, winner: sampleSizeReached ? winnerOf(variants) : null };
}

/**
 * The best variant by rate among those significantly better than the control;
 * the control when every other variant is significantly worse; else nobody.
 */
function winnerOf(variants: readonly VariantResult[]): string | null {
  const [control, ...others] = variants;
  const controlRate = control!.conversionRate ?? 0;
  const better = others.filter((v) => v.significant && (v.conversionRate ?? 0) > controlRate);
  if (better.length > 0) return better.reduce((best, v) => ((v.conversionRate ?? 0) > (best.conversionRate ?? 0) ? v : best)).key;
  if (others.length > 0 && others.every((v) => v.significant && (v.conversionRate ?? 0) < controlRate)) return control!.key;
  return null;
}

/** The full results: `counts` in the experiment's variant order, the control first. */
export function experimentStats(counts: readonly VariantCounts[], options: { confidenceLevel: number; minimumDetectableEffect: number }): ExperimentStats {
  if (counts.length < 2) throw new RangeError('an experiment has at least two variants');
  const main = atLevel(counts, options.confidenceLevel, options.minimumDetectableEffect);
  return {
    confidenceLevel: options.confidenceLevel,
    control: counts[0]!.key,
    variants: main.variants,
    minimumSampleSizePerVariant: main.sampleSize,
    sampleSizeReached: main.sampleSizeReached,
    winner: main.winner,
    significantAt: REPORTED_CONFIDENCE_LEVELS.map((level) => {
      const r = level === options.confidenceLevel ? main : atLevel(counts, level, options.minimumDetectableEffect);
      return { confidenceLevel: level, significant: r.variants.some((v) => v.significant), winner: r.winner };
    }),
  };
}
