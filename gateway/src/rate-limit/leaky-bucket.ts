/**
 * The leaky-bucket arithmetic (Shopify's GraphQL cost limit): every request
 * pours its cost into the tenant's bucket, the bucket leaks `restoreRate`
 * points a second, and a request whose cost does not fit is refused until
 * enough has leaked. The in-memory store runs this code; the PostgreSQL
 * function (db/migrations, `gateway.take_rate_limit`) is the same arithmetic
 * in SQL, and rate-limit tests hold both to the same hand-computed values.
 */
import type { BucketPolicy } from '../protection/tier-policies.js';

/** What a store answers for one charge. */
export interface Admission {
  /** Whether the cost fitted (it was added) or not (nothing was added). */
  allowed: boolean;
  /** The bucket's level after this charge: points in use, 0 = empty. */
  level: number;
}

/** The level after `elapsedSeconds` of leaking; a clock that went backwards leaks nothing. */
export function leak(level: number, elapsedSeconds: number, restoreRate: number): number {
  return Math.max(0, level - Math.max(0, elapsedSeconds) * restoreRate);
}

/**
 * Adds `cost` to an already leaked level if it fits under the capacity. A
 * negative cost is a refund (the request turned out cheaper than estimated);
 * it always fits and never takes the level below empty.
 */
export function pour(leakedLevel: number, cost: number, bucket: BucketPolicy): Admission {
  if (leakedLevel + cost <= bucket.capacity) return { allowed: true, level: Math.max(0, leakedLevel + cost) };
  return { allowed: false, level: leakedLevel };
}

/**
 * Whole seconds until `cost` fits into a bucket at `level` (the Retry-After
 * header): rounded up so a client that waits exactly this long is admitted,
 * and at least 1 (a 0 would invite an immediate retry loop).
 */
export function secondsUntilFits(level: number, cost: number, bucket: BucketPolicy): number {
  const excess = level + cost - bucket.capacity;
  return Math.max(1, Math.ceil(excess / bucket.restoreRate));
}

/** Points a request could spend right now, rounded down so a client never plans on a point it does not have. */
export function available(level: number, bucket: BucketPolicy): number {
  return Math.max(0, Math.floor(bucket.capacity - level));
}
