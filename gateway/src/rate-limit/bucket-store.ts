/**
 * Where the tenants' buckets live. One charge is one atomic leak-then-pour, so
 * concurrent requests (on one replica or several sharing a store) can never
 * both take the last points.
 */
import type { BucketPolicy } from '../protection/tier-policies.js';
import type { Admission } from './leaky-bucket.js';

export interface BucketStore {
  /** Which store answered, for logs and the start-up message. */
  readonly kind: 'database' | 'memory';
  /** Leaks the tenant's bucket up to now, then adds `cost` if it fits (a negative cost refunds). */
  take(tenantId: string, cost: number, bucket: BucketPolicy): Promise<Admission>;
  close(): Promise<void>;
}
