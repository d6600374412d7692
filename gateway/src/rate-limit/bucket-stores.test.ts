/**
 * Both bucket stores on the same hand-computed sequence, and the database
 * store as replicas use it: two stores (two connection pools on PostgreSQL)
 * over one database share every bucket, and concurrent charges never both
 * take the last points. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */
import { type DatabaseHandle, openDatabase } from '@platform/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database.js';
import { DatabaseBucketStore } from './database-bucket-store.js';
import { MemoryBucketStore } from './memory-bucket-store.js';

const bucket = { capacity: 10, restoreRate: 2 };

/** [seconds since start, cost] → [admitted, level], worked out by hand from leaky-bucket.ts. */
const SEQUENCE: [number, number, boolean, number][] = [
  [0, 6, true, 6], // an empty bucket takes 6
  [1, 6, true, 10], // 2 leaked: 4 + 6 fills it exactly
  [1.5, 3, false, 9], // 1 leaked: 9 + 3 > 10, refused, nothing added
  [3, -4, true, 2], // 3 leaked: 6, refunded 4
  [100, 11, false, 0], // empty, but 11 never fits in 10
  [100.25, 10, true, 10], // a full bucket's worth fits an empty bucket
  [100, 1, false, 10], // the clock went back a quarter second: nothing leaks
];

let testDb: TestDatabase;
const handles: DatabaseHandle[] = [];
let replicaA: DatabaseBucketStore;
let replicaB: DatabaseBucketStore;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const first = await openDatabase({ databaseUrl: testDb.databaseUrl });
  handles.push(first);
  // PGlite is one connection in this process; on PostgreSQL the second replica has a pool of its own.
  const second = testDb.databaseUrl ? await openDatabase({ databaseUrl: testDb.databaseUrl, migrate: false }) : first;
  if (second !== first) handles.push(second);
  replicaA = new DatabaseBucketStore(first.db);
  replicaB = new DatabaseBucketStore(second.db);
});
afterAll(async () => {
  for (const handle of handles) await handle.close();
  await testDb?.drop();
});

describe('the same arithmetic in both stores', () => {
  it('the memory store follows the hand-computed sequence', async () => {
    let now = 0;
    const store = new MemoryBucketStore(() => now);
    for (const [at, cost, admitted, level] of SEQUENCE) {
      now = at * 1000;
      expect(await store.take('tenant', cost, bucket), `at ${at} s, cost ${cost}`).toEqual({ allowed: admitted, level });
    }
  });

  it('gateway.take_rate_limit follows the same sequence on the database clock', async () => {
    const tenantId = crypto.randomUUID();
    const start = Date.parse('2030-01-01T00:00:00Z');
    for (const [at, cost, admitted, level] of SEQUENCE) {
      const { rows } = await handles[0]!.jobs.executeSql('select admitted, level from gateway.take_rate_limit($1, $2, $3, $4, $5)', [
        tenantId,
        cost,
        bucket.capacity,
        bucket.restoreRate,
        new Date(start + at * 1000).toISOString(),
      ]);
      expect({ admitted: rows[0]?.admitted, level: Number(rows[0]?.level) }, `at ${at} s, cost ${cost}`).toEqual({ admitted, level });
    }
  });
});

describe('replicas on one database', () => {
  // Restoring a point every ~3 hours: nothing leaks during a test.
  const slow = { capacity: 10, restoreRate: 0.0001 };

  it('share a tenant’s bucket: what one replica charged, the other sees', async () => {
    const tenantId = crypto.randomUUID();
    expect(await replicaA.take(tenantId, 6, slow)).toMatchObject({ allowed: true });
    const refused = await replicaB.take(tenantId, 6, slow);
    expect(refused.allowed).toBe(false);
    expect(refused.level).toBeCloseTo(6, 2);
    expect(await replicaB.take(tenantId, 4, slow)).toMatchObject({ allowed: true });
    expect((await replicaA.take(tenantId, 1, slow)).allowed).toBe(false);
  });

  it('keep tenants apart', async () => {
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    expect((await replicaA.take(a, 10, slow)).allowed).toBe(true);
    expect(await replicaB.take(b, 10, slow)).toMatchObject({ allowed: true, level: 10 });
  });

  it('admit exactly a bucket’s worth of concurrent charges between them', async () => {
    const tenantId = crypto.randomUUID();
    const charges = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? replicaA : replicaB).take(tenantId, 1, slow)));
    expect(charges.filter((c) => c.allowed)).toHaveLength(10);
  });
});
