/**
 * Buckets in PostgreSQL (or the embedded PGlite), shared by every gateway
 * replica on the database: one prepared statement per charge, the function
 * `gateway.take_rate_limit` (db/migrations/0012_rate_limit_buckets.sql),
 * which leaks and pours atomically under the row's lock.
 */
import type { AppDatabase } from '@platform/db';
import { prepareBucketCharge } from '@platform/db/gateway/rate-limit-buckets';
import type { BucketPolicy } from '../protection/tier-policies.js';
import type { BucketStore } from './bucket-store.js';
import type { Admission } from './leaky-bucket.js';

export class DatabaseBucketStore implements BucketStore {
  readonly kind = 'database' as const;
  private readonly charge: ReturnType<typeof prepareBucketCharge>;

  constructor(
    db: AppDatabase,
    /** Closes what this store opened itself (its own pool); a borrowed connection is closed by its owner. */
    private readonly release: () => Promise<void> = async () => {},
  ) {
    this.charge = prepareBucketCharge(db);
  }

  async take(tenantId: string, cost: number, bucket: BucketPolicy): Promise<Admission> {
    const { admitted, level } = await this.charge({ tenantId, cost, capacity: bucket.capacity, restoreRate: bucket.restoreRate });
    return { allowed: admitted, level };
  }

  close(): Promise<void> {
    return this.release();
  }
}
