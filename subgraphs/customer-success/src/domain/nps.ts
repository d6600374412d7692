/**
 * Net Promoter Score: categories, the score itself, the score per customer
 * segment over time, and comment analysis (sentiment and themes). Methods:
 * docs/customer-success-methods.md, "NPS".
 */
import { ValidationError } from '@platform/core';
import Sentiment from 'sentiment';
import { themesOf } from './nps-themes.js';
import { roundHalfUp } from './numbers.js';

export { MIN_PREFIX_STEM_LENGTH, THEME_TAXONOMY, themesOf } from './nps-themes.js';

export type NpsCategory = 'PROMOTER' | 'PASSIVE' | 'DETRACTOR';
export type SentimentLabel = 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE';
export interface NpsBucket {
  segment: string;
  period: string;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
}
export interface CommentAnalysis {
  sentimentScore: number;
  sentimentLabel: SentimentLabel;
  themes: string[];
}
export interface ThemeSummary {
  theme: string;
  mentions: number;
  positive: number;
  neutral: number;
  negative: number;
}

/** The segment that aggregates every response; reserved, so no customer segment may use it. */
export const ALL_SEGMENT = 'ALL';
/** Comparative sentiment strictly inside ±0.05 is NEUTRAL (about one mild word in twenty). */
export const SENTIMENT_NEUTRAL_BAND = 0.05;

/**
 * Domain corrections to AFINN-165. "support" and "help" are topics in product
 * feedback, not praise ("support is slow" is not positive), and "free" is
 * usually a plan name. Common SaaS complaints and compliments AFINN lacks are
 * added at AFINN's usual strengths.
 */
export const SENTIMENT_OVERRIDES: Record<string, number> = {
  support: 0, help: 0, free: 0,
  slow: -2, sluggish: -2, laggy: -2, expensive: -2, overpriced: -3, pricey: -2, buggy: -2, bugs: -1,
  crashes: -2, crashing: -2, crashed: -2, clunky: -2, unreliable: -2, downtime: -2, glitchy: -2, cumbersome: -2,
  intuitive: 2, smooth: 2, fast: 1, reliable: 2,
};

const analyser = new Sentiment();

export function npsCategory(score: number): NpsCategory {
  assertNpsScore(score, 'score');
  if (score >= 9) return 'PROMOTER';
  if (score >= 7) return 'PASSIVE';
  return 'DETRACTOR';
}

/** % promoters − % detractors, −100..100, rounded to one decimal; null for no responses. */
export function npsScore(scores: number[]): number | null {
  scores.forEach((s, i) => {
    assertNpsScore(s, `scores[${i}]`);
  });
  if (scores.length === 0) return null;
  const counts = countCategories(scores);
  return roundHalfUp(((counts.promoters - counts.detractors) / scores.length) * 100, 1);
}

/**
 * One bucket per segment and period that has responses (empty periods are
 * left out rather than shown as a zero NPS), plus the ALL segment. Sorted by
 * segment with ALL first, then period ascending.
 */
export function npsBySegmentOverTime(
  responses: { score: number; respondedAt: Date; segment: string }[],
  granularity: 'MONTH' | 'QUARTER',
): NpsBucket[] {
  const groups = new Map<string, { segment: string; period: string; scores: number[] }>();
  responses.forEach((r, i) => {
    assertNpsScore(r.score, `responses[${i}].score`);
    if (r.segment === ALL_SEGMENT) throw ValidationError.single(`responses[${i}].segment`, `"${ALL_SEGMENT}" is reserved for the total of all segments`);
    const period = periodOf(r.respondedAt, granularity);
    for (const segment of [r.segment, ALL_SEGMENT]) {
      const key = `${segment}\u0000${period}`;
      const group = groups.get(key) ?? { segment, period, scores: [] };
      group.scores.push(r.score);
      groups.set(key, group);
    }
  });
  const rank = (segment: string) => (segment === ALL_SEGMENT ? 0 : 1);
  return [...groups.values()]
    .map(({ segment, period, scores }) => ({ segment, period, responses: scores.length, ...countCategories(scores), nps: npsScore(scores) }))
    .sort((a, b) => rank(a.segment) - rank(b.segment) || compare(a.segment, b.segment) || compare(a.period, b.period));
}

/** 'YYYY-MM' or 'YYYY-Qn' in UTC. */
export function periodOf(date: Date, granularity: 'MONTH' | 'QUARTER'): string {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return granularity === 'MONTH' ? `${year}-${String(month + 1).padStart(2, '0')}` : `${year}-Q${Math.floor(month / 3) + 1}`;
}

/** AFINN-165 comparative score (sum of word scores ÷ number of words) with SENTIMENT_OVERRIDES, and themes. */
export function analyseComment(text: string): CommentAnalysis {
  const trimmed = text.trim();
  // An empty comment has no words: comparative is 0 rather than the library's NaN.
  const sentimentScore = trimmed === '' ? 0 : analyser.analyze(trimmed, { extras: SENTIMENT_OVERRIDES }).comparative;
  return { sentimentScore, sentimentLabel: sentimentLabelOf(sentimentScore), themes: themesOf(trimmed) };
}

export function sentimentLabelOf(comparative: number): SentimentLabel {
  if (comparative >= SENTIMENT_NEUTRAL_BAND) return 'POSITIVE';
  if (comparative <= -SENTIMENT_NEUTRAL_BAND) return 'NEGATIVE';
  return 'NEUTRAL';
}

/** Mentions per theme split by the comment's sentiment; most mentioned first, then by theme name. */
export function summariseThemes(comments: CommentAnalysis[]): ThemeSummary[] {
  const summaries = new Map<string, ThemeSummary>();
  for (const comment of comments) {
    for (const theme of new Set(comment.themes)) {
      const summary = summaries.get(theme) ?? { theme, mentions: 0, positive: 0, neutral: 0, negative: 0 };
      summary.mentions += 1;
      if (comment.sentimentLabel === 'POSITIVE') summary.positive += 1;
      else if (comment.sentimentLabel === 'NEGATIVE') summary.negative += 1;
      else summary.neutral += 1;
      summaries.set(theme, summary);
    }
  }
  return [...summaries.values()].sort((a, b) => b.mentions - a.mentions || compare(a.theme, b.theme));
}

function countCategories(scores: number[]): { promoters: number; passives: number; detractors: number } {
  const counts = { promoters: 0, passives: 0, detractors: 0 };
  for (const s of scores) {
    const category = npsCategory(s);
    if (category === 'PROMOTER') counts.promoters += 1;
    else if (category === 'PASSIVE') counts.passives += 1;
    else counts.detractors += 1;
  }
  return counts;
}

function assertNpsScore(score: number, path: string): void {
  if (!Number.isInteger(score) || score < 0 || score > 10) throw ValidationError.single(path, 'must be a whole number from 0 to 10');
}

/** Code-unit order, so sorting does not depend on the server's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
