/**
 * Anomaly detection on a daily series (docs/analytics/anomalies.md): a robust
 * baseline per day, then a modified z-score (Iglewicz & Hoaglin) of the day's
 * residual against the residuals of the days before it. Medians everywhere,
 * so one past spike neither moves the baseline nor hides the next spike.
 *
 * - expected: WEEKLY, the median of the same weekday in the previous 4 weeks
 *   (lags 7, 14, 21, 28; at least 2 of them); NONE, the median of the previous
 *   14 days (at least 7).
 * - residual = value − expected.
 * - z = 0.6745 × (residual − median(R)) ÷ MAD(R), R = the residuals of the
 *   previous 56 days (at least 14: a MAD of fewer is too noisy, see the doc's
 *   false-positive rates); anomalous when |z| > threshold.
 * - MAD = 0 (at least half of R equal): z = (residual − median(R)) ÷ s with
 *   s = 1.253314 × mean absolute deviation of R around its median, but never
 *   below max(1, 5 % of |expected|): a perfectly regular series is not flagged
 *   for a deviation of one event.
 */
import { mean, median, medianAbsoluteDeviation } from 'simple-statistics';

export type AnomalySeasonality = 'NONE' | 'WEEKLY';
export type AnomalyDirection = 'SPIKE' | 'DROP';

/** 0.6745 = Φ⁻¹(0.75): makes MAD comparable with a standard deviation for normal data. */
export const MAD_SCALE = 0.6745;
/** √(π/2): mean absolute deviation × this estimates a standard deviation for normal data. */
export const MEAN_AD_SCALE = 1.253314;
export const DEFAULT_THRESHOLD = 3.5;

/** Past days each baseline reads, and how many must exist. */
export const BASELINE = {
  WEEKLY: { lags: [7, 14, 21, 28], minimum: 2 },
  NONE: { lags: Array.from({ length: 14 }, (_, i) => i + 1), minimum: 7 },
} as const satisfies Record<AnomalySeasonality, { lags: readonly number[]; minimum: number }>;
/** Trailing residuals the score compares with, and how many must exist. */
export const RESIDUAL_WINDOW = 56;
export const MIN_RESIDUALS = 14;

/** Days of history before the first scored day that give every scored day a full baseline and residual window. */
export function historyDays(seasonality: AnomalySeasonality): number {
  return Math.max(...BASELINE[seasonality].lags) + RESIDUAL_WINDOW;
}

export interface ScoredPoint {
  /** Null: no data that day (see detectAnomalies). */
  value: number | null;
  /** The baseline; null without enough history. */
  expected: number | null;
  /** The modified z-score; null without a baseline or enough trailing residuals. */
  score: number | null;
  isAnomaly: boolean;
  /** SPIKE above, DROP below the baseline; only for anomalies. */
  direction: AnomalyDirection | null;
}

/** The baseline of day `i` from the days before it that have data, or null. */
export function expectedAt(values: readonly (number | null)[], i: number, seasonality: AnomalySeasonality): number | null {
  const { lags, minimum } = BASELINE[seasonality];
  const past = lags.map((lag) => values[i - lag]).filter((v): v is number => v !== undefined && v !== null);
  return past.length >= minimum ? median(past) : null;
}

/**
 * The days before the first non-zero value as "no data" (null): a series that
 * starts when tracking (or the event) started has no baseline yet, rather than
 * a baseline of zeros that makes its first busy days spikes.
 */
export function withoutLeadingZeros(values: readonly number[]): (number | null)[] {
  const first = values.findIndex((v) => v !== 0);
  return first === -1 ? values.map(() => null) : values.map((v, i) => (i < first ? null : v));
}

/**
 * The modified z-score of `residual` against `trailing` residuals, with the
 * MAD = 0 fallback described above; `expected` sets the fallback's floor.
 */
export function robustZ(residual: number, trailing: readonly number[], expected: number): number {
  const centre = median(trailing as number[]);
  const mad = medianAbsoluteDeviation(trailing as number[]);
  if (mad > 0) return (MAD_SCALE * (residual - centre)) / mad;
  const meanAd = mean(trailing.map((r) => Math.abs(r - centre)));
  const scale = Math.max(MEAN_AD_SCALE * meanAd, 1, 0.05 * Math.abs(expected));
  return (residual - centre) / scale;
}

/**
 * Scores every day of a daily series (oldest first; null = no data, never
 * scored nor used as a baseline). The first days lack history and come back
 * unscored; a caller wanting every day of a range scored passes
 * `historyDays(seasonality)` days before it and drops them afterwards.
 */
export function detectAnomalies(values: readonly (number | null)[], options: { threshold: number; seasonality: AnomalySeasonality }): ScoredPoint[] {
  const residuals: (number | null)[] = [];
  return values.map((value, i) => {
    const expected = value === null ? null : expectedAt(values, i, options.seasonality);
    const residual = expected === null || value === null ? null : value - expected;
    const trailing = residuals.slice(Math.max(0, i - RESIDUAL_WINDOW), i).filter((r): r is number => r !== null);
    residuals.push(residual);
    if (expected === null || residual === null || trailing.length < MIN_RESIDUALS) {
      return { value, expected, score: null, isAnomaly: false, direction: null };
    }
    const score = robustZ(residual, trailing, expected);
    const isAnomaly = Math.abs(score) > options.threshold;
    return { value, expected, score, isAnomaly, direction: isAnomaly ? (score > 0 ? 'SPIKE' : 'DROP') : null };
  });
}
