/**
 * Exact integer rounding for money. Every billing figure that involves a ratio
 * (proration, tax, normalising a price to a month) is computed as
 * amount × numerator / denominator in BigInt and rounded once, half away from
 * zero, so no binary floating-point error can move a result by a cent, however
 * large the amount: 2^53 minor units × 10,000 basis points does not fit a
 * double exactly, but it fits a BigInt.
 */

/** numerator / denominator rounded half away from zero (2.5 → 3, −2.5 → −3). */
export function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  // floor((2n + d) / 2d) = floor(n/d + 1/2): rounds a remainder of exactly d/2 up.
  const magnitude = (2n * n + d) / (2n * d);
  return negative ? -magnitude : magnitude;
}

/**
 * amount × numerator / denominator rounded half away from zero, as a number.
 * The inputs must be integers; the caller checks that the result is a safe integer.
 */
export function mulDivRound(amount: number, numerator: number, denominator: number): number {
  const result = Number(divideRoundHalfAwayFromZero(BigInt(amount) * BigInt(numerator), BigInt(denominator)));
  return normaliseZero(result);
}

/** −0 becomes 0, so a zero credit prints and compares (Object.is) as 0. */
export function normaliseZero(value: number): number {
  return value === 0 ? 0 : value;
}
