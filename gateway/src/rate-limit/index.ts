/**
 * Picks where the gateway keeps its tenants' cost buckets (docs/decisions.md):
 * PostgreSQL when the gateway has DATABASE_URL (its own small pool, so
 * charges never queue behind the subgraphs' queries), else the embedded
 * PGlite when the gateway runs one, else memory, with a warning that replicas
 * do not share it.
 */
import type { Logger } from '@platform/core';
import { type DatabaseHandle, openDatabase } from '@platform/db';
import { DatabaseBucketStore } from './database-bucket-store.js';
import { MemoryBucketStore } from './memory-bucket-store.js';
import { TenantRateLimiter } from './tenant-rate-limiter.js';

export { TenantRateLimiter } from './tenant-rate-limiter.js';

export interface RateLimitStoreOptions {
  /** Admin URL of the platform database; the limiter logs in as the application role. */
  databaseUrl?: string;
  appDatabaseUrl?: string;
  /** The embedded platform's database (PGlite), used when there is no DATABASE_URL. */
  embedded: DatabaseHandle | null;
  logger: Logger;
}

export async function openRateLimiter(options: RateLimitStoreOptions): Promise<TenantRateLimiter> {
  const { logger } = options;
  if (options.databaseUrl) {
    // The platform (or, distributed, the subgraphs) migrated this database; the pool opens lazily, so a database that is down now only sends charges to memory.
    const pool = await openDatabase({ databaseUrl: options.databaseUrl, appDatabaseUrl: options.appDatabaseUrl, migrate: false, poolSize: 4 });
    return new TenantRateLimiter(new DatabaseBucketStore(pool.db, () => pool.close()), new MemoryBucketStore(), logger);
  }
  if (options.embedded) return new TenantRateLimiter(new DatabaseBucketStore(options.embedded.db), new MemoryBucketStore(), logger);
  logger.warn('no DATABASE_URL: rate-limit buckets live in this process, so each gateway replica admits a tenant’s full rate on its own');
  return new TenantRateLimiter(new MemoryBucketStore(), null, logger);
}
