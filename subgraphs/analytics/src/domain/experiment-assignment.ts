/**
 * Deterministic assignment of users to experiment variants. Nothing is stored:
 * a user's bucket is a hash of the experiment key and their distinct id, so the
 * SDK-facing `experimentAssignment` query (computed here, in TypeScript) and
 * the results query (computed in SQL over the events) always agree. Both forms
 * of the hash live in this file so they are changed together; a test checks
 * they agree over thousands of ids. Method: docs/analytics/experiments.md.
 */
import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';

/** Buckets 0..9,999: a weight of w % takes w × 100 consecutive buckets. */
export const BUCKETS = 10_000;
const BUCKETS_PER_PERCENT = BUCKETS / 100;

export interface WeightedVariant {
  key: string;
  /** Integer percentage; the weights of an experiment sum to 100. */
  weight: number;
}

/**
 * The first 15 hex digits (60 bits) of md5(`${key}.${distinctId}`) as an
 * integer, mod 10,000. 60 bits exceed a double's 53, hence BigInt; they fit a
 * PostgreSQL bigint, which is what makes the SQL twin possible.
 */
export function assignmentBucket(experimentKey: string, distinctId: string): number {
  const hex = createHash('md5').update(`${experimentKey}.${distinctId}`, 'utf8').digest('hex').slice(0, 15);
  return Number(BigInt(`0x${hex}`) % BigInt(BUCKETS));
}

/** Variants take consecutive bucket ranges in their order: the first [0, w₁×100), the next [w₁×100, (w₁+w₂)×100), … */
export function variantForBucket(variants: readonly WeightedVariant[], bucket: number): string {
  let upper = 0;
  for (const v of variants) {
    upper += v.weight * BUCKETS_PER_PERCENT;
    if (bucket < upper) return v.key;
  }
  throw new Error(`bucket ${bucket} is beyond the variants' weights (they must sum to 100)`);
}

export function assignVariant(experimentKey: string, variants: readonly WeightedVariant[], distinctId: string): { variant: string; bucket: number } {
  const bucket = assignmentBucket(experimentKey, distinctId);
  return { variant: variantForBucket(variants, bucket), bucket };
}

/** assignmentBucket in SQL: md5 is UTF-8 on a UTF-8 database, as in Node. */
export function bucketSql(experimentKey: string, distinctId: SQL): SQL {
  return sql`((('x' || substr(md5(${experimentKey}::text || '.' || ${distinctId}), 1, 15))::bit(60)::bigint % ${sql.raw(String(BUCKETS))})::int)`;
}

/** variantForBucket in SQL: a CASE over the same cumulative upper bounds. */
export function variantSql(variants: readonly WeightedVariant[], bucket: SQL): SQL {
  let upper = 0;
  const arms = variants.map((v) => {
    upper += v.weight * BUCKETS_PER_PERCENT;
    return sql`WHEN ${bucket} < ${sql.raw(String(upper))} THEN ${v.key}::text`;
  });
  return sql`(CASE ${sql.join(arms, sql` `)} END)`;
}
