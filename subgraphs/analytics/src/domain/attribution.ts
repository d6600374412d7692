/**
 * Multi-touch attribution: how one conversion's single unit of credit is split
 * among the channels of the touchpoints that preceded it, under five models.
 * Pure arithmetic; the service loads each conversion's touch path (oldest
 * first) and this module sums the credit per channel.
 * Method: docs/analytics/attribution.md.
 */

export const ATTRIBUTION_MODELS = ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR', 'TIME_DECAY', 'POSITION_BASED'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

/** The channel credited with a conversion that had no touchpoint in its lookback window. */
export const DIRECT_CHANNEL = '(direct)';
/** TIME_DECAY halves a touch's weight for every 7 days between it and the conversion. */
export const TIME_DECAY_HALF_LIFE_MS = 7 * 86_400_000;
/** POSITION_BASED: the share of the first and of the last touch when there are three or more. */
export const POSITION_ENDS_SHARE = 0.4;

/** One touchpoint: its channel and how long before the conversion it happened (> 0). */
export interface Touch {
  channel: string;
  ageMs: number;
}

/** A conversion's touchpoints, oldest first (empty: a direct conversion). */
export type ConversionPath = readonly Touch[];

export interface AttributionChannel {
  channel: string;
  /** Conversions credited to the channel (fractions under multi-touch models). */
  credit: number;
  /** credit ÷ conversions: the channel's part of all conversions (the shares of a model sum to 1). */
  share: number;
}

export interface AttributionModelResult {
  model: AttributionModel;
  /** Highest credit first; ties by channel name. */
  channels: AttributionChannel[];
}

/**
 * The weight of each touch (same order as `touches`) under `model`; the
 * weights sum to 1. No touches: no weights (the caller credits DIRECT_CHANNEL).
 */
export function touchWeights(model: AttributionModel, touches: ConversionPath): number[] {
  const n = touches.length;
  if (n === 0) return [];
  switch (model) {
    case 'FIRST_TOUCH':
      return touches.map((_, i) => (i === 0 ? 1 : 0));
    case 'LAST_TOUCH':
      return touches.map((_, i) => (i === n - 1 ? 1 : 0));
    case 'LINEAR':
      return touches.map(() => 1 / n);
    case 'TIME_DECAY': {
      const raw = touches.map((t) => 2 ** (-t.ageMs / TIME_DECAY_HALF_LIFE_MS));
      const total = raw.reduce((a, b) => a + b, 0);
      return raw.map((w) => w / total);
    }
    case 'POSITION_BASED':
      return positionWeights(n);
  }
}

/**
 * 40 % to the first touch, 40 % to the last, 20 % split evenly among the ones
 * between. One touch takes everything; two touches split 50/50 (there is no
 * middle to give the 20 % to, so the ends share it equally).
 */
function positionWeights(n: number): number[] {
  if (n === 1) return [1];
  if (n === 2) return [0.5, 0.5];
  const middle = (1 - 2 * POSITION_ENDS_SHARE) / (n - 2);
  return Array.from({ length: n }, (_, i) => (i === 0 || i === n - 1 ? POSITION_ENDS_SHARE : middle));
}

/** One conversion's credit per channel under `model` (a channel touched twice gets both touches' weights). */
export function conversionCredit(model: AttributionModel, touches: ConversionPath): Map<string, number> {
  const credit = new Map<string, number>();
  if (touches.length === 0) return credit.set(DIRECT_CHANNEL, 1);
  touchWeights(model, touches).forEach((w, i) => {
    // FIRST/LAST_TOUCH give the other touches 0: they are not credited, so not listed.
    if (w === 0) return;
    const channel = touches[i]!.channel;
    credit.set(channel, (credit.get(channel) ?? 0) + w);
  });
  return credit;
}

/**
 * Sums are rounded to 9 decimals: floating-point noise (1/3 + 1/3 + 1/3 ≠ 1)
 * would otherwise order channels with equal credit by accident.
 */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Sums every conversion's credit per channel, for each requested model. */
export function attribute(paths: readonly ConversionPath[], models: readonly AttributionModel[]): AttributionModelResult[] {
  const conversions = paths.length;
  return models.map((model) => {
    const totals = new Map<string, number>();
    for (const path of paths) {
      for (const [channel, credit] of conversionCredit(model, path)) totals.set(channel, (totals.get(channel) ?? 0) + credit);
    }
    const channels = [...totals]
      .map(([channel, credit]) => ({ channel, credit: round(credit), share: round(credit / conversions) }))
      .sort((a, b) => b.credit - a.credit || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
    return { model, channels };
  });
}
