import { describe, expect, it } from 'vitest';
import { ATTRIBUTION_MODELS, attribute, type ConversionPath, conversionCredit, DIRECT_CHANNEL, touchWeights } from './attribution.js';

const DAY = 86_400_000;
const path = (...touches: [string, number][]): ConversionPath => touches.map(([channel, days]) => ({ channel, ageMs: days * DAY }));
const close = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(a).toBeCloseTo(expected[i]!, 12);
  });
};

describe('touchWeights', () => {
  const three = path(['google', 21], ['email', 14], ['ads', 7]);

  it('gives everything to the first touch under FIRST_TOUCH and to the last under LAST_TOUCH', () => {
    expect(touchWeights('FIRST_TOUCH', three)).toEqual([1, 0, 0]);
    expect(touchWeights('LAST_TOUCH', three)).toEqual([0, 0, 1]);
  });

  it('splits evenly under LINEAR', () => {
    close(touchWeights('LINEAR', path(['a', 4], ['b', 3], ['c', 2], ['d', 1])), [0.25, 0.25, 0.25, 0.25]);
  });

  it('halves a touch’s weight per 7 days of age under TIME_DECAY, normalised to 1', () => {
    // 14 and 7 days before: 2^(−14/7) = 0.25 and 2^(−7/7) = 0.5; sum 0.75 → 0.25/0.75 = 1/3 and 0.5/0.75 = 2/3
    close(touchWeights('TIME_DECAY', path(['a', 14], ['b', 7])), [1 / 3, 2 / 3]);
    // 21, 14, 7 days: 0.125, 0.25, 0.5; sum 0.875 → 1/7, 2/7, 4/7
    close(touchWeights('TIME_DECAY', three), [1 / 7, 2 / 7, 4 / 7]);
    // 3.5 days: 2^(−0.5) = 0.70711 vs 2^(−1) = 0.5 at 7 days → 0.70711/1.20711 = 0.58579, 0.5/1.20711 = 0.41421
    close(touchWeights('TIME_DECAY', path(['a', 3.5], ['b', 7])), [0.585786437626905, 0.414213562373095]);
  });

  it('gives POSITION_BASED 40 % to each end and 20 % across the middle', () => {
    close(touchWeights('POSITION_BASED', three), [0.4, 0.2, 0.4]);
    // five touches: 0.2 / 3 middle ones = 0.066667 each
    close(touchWeights('POSITION_BASED', path(['a', 5], ['b', 4], ['c', 3], ['d', 2], ['e', 1])), [0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]);
  });

  it('gives POSITION_BASED 100 % to a single touch and 50/50 to two touches', () => {
    expect(touchWeights('POSITION_BASED', path(['a', 1]))).toEqual([1]);
    expect(touchWeights('POSITION_BASED', path(['a', 2], ['b', 1]))).toEqual([0.5, 0.5]);
  });

  it('gives one touch all the credit under every model', () => {
    for (const model of ATTRIBUTION_MODELS) close(touchWeights(model, path(['a', 30])), [1]);
  });

  it('has no weights without touches', () => {
    for (const model of ATTRIBUTION_MODELS) expect(touchWeights(model, [])).toEqual([]);
  });
});

describe('conversionCredit', () => {
  it('credits a conversion without touchpoints to (direct)', () => {
    expect(conversionCredit('LINEAR', [])).toEqual(new Map([[DIRECT_CHANNEL, 1]]));
  });

  it('adds up the weights of a channel touched more than once', () => {
    const p = path(['google', 10], ['email', 5], ['google', 1]);
    // LINEAR: google 1/3 + 1/3, email 1/3
    const linear = conversionCredit('LINEAR', p);
    expect(linear.get('google')).toBeCloseTo(2 / 3, 12);
    expect(linear.get('email')).toBeCloseTo(1 / 3, 12);
    // POSITION_BASED: google 0.4 + 0.4, email 0.2
    const position = conversionCredit('POSITION_BASED', p);
    expect(position.get('google')).toBeCloseTo(0.8, 12);
    expect(position.get('email')).toBeCloseTo(0.2, 12);
  });
});

describe('attribute', () => {
  // Three conversions: [google 14d, email 7d], [email 7d], and one direct.
  const paths = [path(['google', 14], ['email', 7]), path(['email', 7]), []];

  it('sums credit per channel for each model, highest first, each model distributing one credit per conversion', () => {
    const results = attribute(paths, ATTRIBUTION_MODELS);
    const byModel = Object.fromEntries(results.map((r) => [r.model, r.channels.map((c) => [c.channel, c.credit])]));
    // FIRST: google 1, email 1, direct 1 (tie on 1: by name, "(direct)" sorts first)
    expect(byModel.FIRST_TOUCH).toEqual([
      [DIRECT_CHANNEL, 1],
      ['email', 1],
      ['google', 1],
    ]);
    // LAST: email 1 + 1, direct 1
    expect(byModel.LAST_TOUCH).toEqual([
      ['email', 2],
      [DIRECT_CHANNEL, 1],
    ]);
    // LINEAR: google 0.5, email 0.5 + 1 = 1.5, direct 1
    expect(byModel.LINEAR).toEqual([
      ['email', 1.5],
      [DIRECT_CHANNEL, 1],
      ['google', 0.5],
    ]);
    // TIME_DECAY: google 1/3, email 2/3 + 1 = 5/3, direct 1 (rounded to 9 decimals)
    expect(byModel.TIME_DECAY).toEqual([
      ['email', 1.666666667],
      [DIRECT_CHANNEL, 1],
      ['google', 0.333333333],
    ]);
    // POSITION_BASED with two touches: 50/50, same as LINEAR here
    expect(byModel.POSITION_BASED).toEqual(byModel.LINEAR);
  });

  it('gives each channel its share of all conversions', () => {
    const [linear] = attribute(paths, ['LINEAR']);
    // 1.5/3, 1/3, 0.5/3
    expect(linear!.channels.map((c) => c.share)).toEqual([0.5, 0.333333333, 0.166666667]);
  });

  it('returns no channels without conversions', () => {
    expect(attribute([], ['LINEAR', 'FIRST_TOUCH'])).toEqual([
      { model: 'LINEAR', channels: [] },
      { model: 'FIRST_TOUCH', channels: [] },
    ]);
  });
});
