/**
 * Buckets in this process's memory: the store of a gateway that has no
 * database (distributed mode without DATABASE_URL), and the fallback while the
 * database is unreachable. Replicas do not share it, so N replicas admit up to
 * N times a tenant's rate; the gateway says so at start-up.
 */
import { LRUCache } from 'lru-cache';
import type { BucketPolicy } from '../protection/tier-policies.js';
import type { BucketStore } from './bucket-store.js';
import { type Admission, leak, pour } from './leaky-bucket.js';

interface Bucket {
  level: number;
  /** Milliseconds on `now`'s clock when the level was last computed. */
  at: number;
}

export class MemoryBucketStore implements BucketStore {
  readonly kind = 'memory' as const;
  // Bounded: forgetting the least recently seen tenant only hands it a full
  // bucket again, which a quiet tenant's bucket has long become anyway.
  private readonly buckets = new LRUCache<string, Bucket>({ max: 100_000 });

  constructor(private readonly now: () => number = performance.now.bind(performance)) {}

  async take(tenantId: string, cost: number, bucket: BucketPolicy): Promise<Admission> {
    const at = this.now();
    const current = this.buckets.get(tenantId);
    const leaked = current ? leak(current.level, (at - current.at) / 1000, bucket.restoreRate) : 0;
    const admission = pour(leaked, cost, bucket);
    this.buckets.set(tenantId, { level: admission.level, at });
    return admission;
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}
