import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { analyseComment, type CommentAnalysis, npsBySegmentOverTime, npsCategory, npsScore, sentimentLabelOf, summariseThemes } from './nps.js';

describe('npsCategory', () => {
  it.each([
    [0, 'DETRACTOR'],
    [6, 'DETRACTOR'],
    [7, 'PASSIVE'],
    [8, 'PASSIVE'],
    [9, 'PROMOTER'],
    [10, 'PROMOTER'],
  ])('%d is a %s', (score, category) => {
    expect(npsCategory(score)).toBe(category);
  });

  it.each([-1, 11, 7.5, Number.NaN])('refuses %d', (score) => {
    expect(() => npsCategory(score)).toThrow(ValidationError);
  });
});

describe('npsScore', () => {
  it('is null without responses', () => {
    expect(npsScore([])).toBeNull();
  });

  it.each([
    [[10, 9, 8, 7, 6, 0], 0], // 2 promoters, 2 detractors of 6
    [[10, 10, 10, 6], 50], // (3 − 1) / 4
    [[10, 10, 10], 100],
    [[0, 3, 6], -100],
    [[10, 0, 0], -33.3], // (1 − 2) / 3 = −33.33…
    [[9, 9, 8], 66.7], // 2/3 = 66.66…
    [[10, ...Array(15).fill(8)], 6.3], // 1/16 = 6.25, half up
    [[0, ...Array(15).fill(8)], -6.3], // −1/16 = −6.25, half away from zero
  ])('%j → %d', (scores, expected) => {
    expect(npsScore(scores)).toBe(expected);
  });

  it('names the bad response', () => {
    try {
      npsScore([10, 12]);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).fieldErrors).toEqual([{ path: 'scores[1]', message: 'must be a whole number from 0 to 10' }]);
    }
  });
});

describe('npsBySegmentOverTime', () => {
  const responses = [
    { segment: 'SMB', score: 10, respondedAt: new Date('2025-01-15T10:00:00Z') },
    { segment: 'SMB', score: 3, respondedAt: new Date('2025-01-20T10:00:00Z') },
    { segment: 'SMB', score: 9, respondedAt: new Date('2025-02-03T10:00:00Z') },
    { segment: 'ENTERPRISE', score: 8, respondedAt: new Date('2025-01-31T23:30:00Z') },
    { segment: 'ENTERPRISE', score: 10, respondedAt: new Date('2025-03-01T00:00:00Z') },
    // 31 March in UTC−2 is 1 April in UTC: April, Q2
    { segment: 'ENTERPRISE', score: 0, respondedAt: new Date('2025-03-31T23:30:00-02:00') },
  ];
  const row = (segment: string, period: string, counts: [number, number, number], nps: number) => ({
    segment,
    period,
    responses: counts[0] + counts[1] + counts[2],
    promoters: counts[0],
    passives: counts[1],
    detractors: counts[2],
    nps,
  });

  it('buckets by UTC month per segment and for ALL, ALL first', () => {
    expect(npsBySegmentOverTime(responses, 'MONTH')).toEqual([
      row('ALL', '2025-01', [1, 1, 1], 0), // 10, 3, 8
      row('ALL', '2025-02', [1, 0, 0], 100),
      row('ALL', '2025-03', [1, 0, 0], 100),
      row('ALL', '2025-04', [0, 0, 1], -100),
      row('ENTERPRISE', '2025-01', [0, 1, 0], 0),
      row('ENTERPRISE', '2025-03', [1, 0, 0], 100),
      row('ENTERPRISE', '2025-04', [0, 0, 1], -100),
      row('SMB', '2025-01', [1, 0, 1], 0),
      row('SMB', '2025-02', [1, 0, 0], 100),
    ]);
  });

  it('buckets by UTC quarter', () => {
    expect(npsBySegmentOverTime(responses, 'QUARTER')).toEqual([
      row('ALL', '2025-Q1', [3, 1, 1], 40), // 10, 3, 9, 8, 10: (3 − 1) / 5
      row('ALL', '2025-Q2', [0, 0, 1], -100),
      row('ENTERPRISE', '2025-Q1', [1, 1, 0], 50),
      row('ENTERPRISE', '2025-Q2', [0, 0, 1], -100),
      row('SMB', '2025-Q1', [2, 0, 1], 33.3),
    ]);
  });

  it('is empty without responses', () => {
    expect(npsBySegmentOverTime([], 'MONTH')).toEqual([]);
  });

  it('refuses the reserved segment name ALL and bad scores', () => {
    expect(() => npsBySegmentOverTime([{ segment: 'ALL', score: 9, respondedAt: new Date() }], 'MONTH')).toThrow(/reserved/);
    expect(() => npsBySegmentOverTime([{ segment: 'SMB', score: 11, respondedAt: new Date() }], 'MONTH')).toThrow(ValidationError);
  });
});

describe('analyseComment', () => {
  it.each([
    // great 3 + super 3 + helpful 2, "support" neutralised: 8 / 6 words
    ['Great product, support was super helpful!', 8 / 6, 'POSITIVE', ['SUPPORT']],
    // "slow" −2 (override), "support" 0: −2 / 8 words
    ['The product is okay but support is slow', -2 / 8, 'NEGATIVE', ['SUPPORT', 'PERFORMANCE']],
    // expensive −2 + crashing −2: −4 / 9 words
    ['Pricing is too expensive and the app keeps crashing', -4 / 9, 'NEGATIVE', ['PRICING', 'RELIABILITY']],
    // negation flips "slow": +2 / 7 words
    ['The dashboard is not slow at all', 2 / 7, 'POSITIVE', ['PERFORMANCE', 'FEATURES']],
    // confusing −2 / 8 words; case-insensitive, stem "onboard" and the phrase "set up"
    ['Onboarding took FOREVER, the Set Up was confusing', -2 / 8, 'NEGATIVE', ['USABILITY', 'ONBOARDING']],
    ['We use it daily for reporting', 0, 'NEUTRAL', []],
    ['SSO via the API works, docs are thin', 0, 'NEUTRAL', ['INTEGRATIONS', 'DOCUMENTATION']],
    // short stems match whole words only: "docker" is not "doc", "build" does not contain the word "ui"
    ['We deploy with docker and the build is quick', 0, 'NEUTRAL', ['PERFORMANCE']],
    ['   ', 0, 'NEUTRAL', []],
  ])('%j', (text, score, label, themes) => {
    const analysis = analyseComment(text);
    expect(analysis.sentimentScore).toBeCloseTo(score, 12);
    expect(analysis).toMatchObject({ sentimentLabel: label, themes });
  });

  it('labels one +1 word in 20 as positive and in 21 as neutral (band ±0.05)', () => {
    const twenty = 'the export is fast and we run it every morning before our weekly team meeting starts in the main office';
    expect(analyseComment(twenty)).toMatchObject({ sentimentScore: 0.05, sentimentLabel: 'POSITIVE' });
    expect(analyseComment(`${twenty} today`).sentimentLabel).toBe('NEUTRAL'); // 1/21 = 0.0476
  });

  it.each([
    [0.05, 'POSITIVE'],
    [0.0499, 'NEUTRAL'],
    [0, 'NEUTRAL'],
    [-0.0499, 'NEUTRAL'],
    [-0.05, 'NEGATIVE'],
  ])('comparative %d is %s', (comparative, label) => {
    expect(sentimentLabelOf(comparative)).toBe(label);
  });
});

describe('summariseThemes', () => {
  const c = (sentimentLabel: CommentAnalysis['sentimentLabel'], themes: string[]): CommentAnalysis => ({ sentimentScore: 0, sentimentLabel, themes });

  it('counts each comment once per theme by sentiment, most mentioned first, ties by name', () => {
    const summary = summariseThemes([
      c('POSITIVE', ['SUPPORT']),
      c('NEGATIVE', ['SUPPORT', 'PERFORMANCE']),
      c('NEUTRAL', ['PRICING']),
      c('NEGATIVE', ['PRICING', 'SUPPORT']),
      c('NEGATIVE', ['PERFORMANCE', 'PERFORMANCE']),
      c('POSITIVE', []),
    ]);
    expect(summary).toEqual([
      { theme: 'SUPPORT', mentions: 3, positive: 1, neutral: 0, negative: 2 },
      { theme: 'PERFORMANCE', mentions: 2, positive: 0, neutral: 0, negative: 2 },
      { theme: 'PRICING', mentions: 2, positive: 0, neutral: 1, negative: 1 },
    ]);
  });
});
