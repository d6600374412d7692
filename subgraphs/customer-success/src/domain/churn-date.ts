/**
 * Predicted churn date: a straight line fitted (least squares) to the
 * customer's health scores of the last 90 days, extrapolated to the day it
 * reaches CHURN_SCORE_THRESHOLD. Documented in docs/customer-success-methods.md,
 * "Predicted churn date".
 */
import { linearRegression } from 'simple-statistics';
import { addDays, daysBetween } from './numbers.js';

/** Middle of the RED band (0–50): by then a customer is usually already leaving. */
export const CHURN_SCORE_THRESHOLD = 25;
export const TREND_WINDOW_DAYS = 90;
export const MIN_TREND_POINTS = 3;
/** Fewer days than this between first and last score says nothing about a trend. */
export const MIN_TREND_SPAN_DAYS = 7;
/** Beyond a year the extrapolation is guesswork, so no date is given. */
export const CHURN_DATE_HORIZON_DAYS = 365;

export function predictChurnDate(scores: { score: number; at: Date }[], now: Date): Date | null {
  const points = scores
    .map((s) => [daysBetween(now, s.at), s.score] as [number, number])
    .filter(([x, y]) => x <= 0 && x >= -TREND_WINDOW_DAYS && Number.isFinite(y));
  if (points.length < MIN_TREND_POINTS) return null;
  const xs = points.map(([x]) => x);
  if (Math.max(...xs) - Math.min(...xs) < MIN_TREND_SPAN_DAYS) return null;
  // x is days relative to now, so the intercept b is the fitted score today.
  const { m: slope, b: fittedToday } = linearRegression(points);
  if (!(slope < 0)) return null;
  if (fittedToday <= CHURN_SCORE_THRESHOLD) return now;
  const days = (CHURN_SCORE_THRESHOLD - fittedToday) / slope;
  return days > CHURN_DATE_HORIZON_DAYS ? null : addDays(now, days);
}
