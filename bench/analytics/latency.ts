/** Latency figures of the analytics benchmark: nearest-rank percentiles of a sample, in milliseconds. */

export interface Latency {
  runs: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest rank: the smallest sample with at least p % of the samples at or below it (p90 of 5 runs is the 5th). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarize(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}
