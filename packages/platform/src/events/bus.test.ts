/**
 * The event bus end to end on the database (PGlite, or PostgreSQL when
 * DATABASE_URL is set): relay → pg-boss → consumer, exactly once in effect,
 * ordered per aggregate, surviving a consumer killed mid-batch.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DatabaseHandle, inScope, recordEvents, rowsOf } from '@platform/db';
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/database.js';
import { waitFor } from '../../../../tests/support/wait.js';
import { createLogger } from '../logger.js';
import { startEventBus } from './bus.js';
import { applyEvent, PredecessorPendingError } from './consumer-worker.js';
import { createLiveEventHub } from './live.js';
import { effects, fixtureConsumer, openFixtureDatabase, outbox } from './test-support/fixture.js';

const logger = createLogger('bus-test', 'silent');
const TENANT = crypto.randomUUID();
const OTHER_TENANT = crypto.randomUUID();

async function publish(handle: DatabaseHandle, tenantId: string, aggregates: string[], perAggregate: number) {
  // Interleaved: a1#1, a2#1, …, a1#2, a2#2, … in several transactions.
  for (let round = 0; round < perAggregate; round++) {
    await inScope(handle.db, { tenantId, accountId: null }, (tx) =>
      recordEvents(
        tx,
        outbox,
        aggregates.map((a) => ({ tenantId, type: 'thing.happened@1', aggregateType: 'thing', aggregateId: a, payload: { round } })),
      ),
    );
  }
}

async function appliedEffects(handle: DatabaseHandle, tenantId: string) {
  return inScope(handle.db, { tenantId, accountId: null }, (tx) => tx.select().from(effects).orderBy(asc(effects.seq)));
}

function expectOrderedPerAggregate(rows: { aggregateId: string; position: number }[]) {
  const last = new Map<string, number>();
  for (const row of rows) {
    expect(row.position).toBeGreaterThan(last.get(row.aggregateId) ?? 0);
    last.set(row.aggregateId, row.position);
  }
}

describe('event bus', () => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    handle = await openFixtureDatabase({ databaseUrl: testDb.databaseUrl }, true);
  });
  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it('delivers every event once, in order per aggregate, to the tenant it belongs to, and fans it out live', async () => {
    const hub = createLiveEventHub();
    const liveSeen: string[] = [];
    const live = hub.subscribe('bus_test', (e) => e.tenantId === TENANT);
    void (async () => {
      for await (const e of live) liveSeen.push(e.id);
    })();
    const bus = await startEventBus({ database: handle, logger, relaySources: ['bus_test'], consumers: [fixtureConsumer()], live: { hub, sources: ['bus_test'] }, consumerBatchSize: 7 });
    try {
      await publish(handle, TENANT, ['a1', 'a2', 'a3'], 10);
      await publish(handle, OTHER_TENANT, ['b1'], 5);
      const mine = await waitFor(() => appliedEffects(handle, TENANT), (rows) => rows.length >= 30, 30_000);
      expect(mine).toHaveLength(30);
      expect(new Set(mine.map((r) => r.eventId)).size).toBe(30);
      expectOrderedPerAggregate(mine);
      // RLS: the other tenant's effects are invisible here, and were applied under its own tenant.
      expect(mine.every((r) => r.tenantId === TENANT)).toBe(true);
      const theirs = await waitFor(() => appliedEffects(handle, OTHER_TENANT), (rows) => rows.length >= 5, 30_000);
      expect(theirs.map((r) => r.aggregateId)).toEqual(['b1', 'b1', 'b1', 'b1', 'b1']);
      await waitFor(async () => liveSeen.length, (n) => n >= 30, 5_000);
      expect(liveSeen).toHaveLength(30);
      await live.return?.();
    } finally {
      await bus.stop();
    }
  });

  it('skips a redelivered event and holds an event back until its predecessor is applied', async () => {
    const consumer = fixtureConsumer();
    const tenantId = crypto.randomUUID();
    const base = { source: 'bus_test', tenantId, type: 'thing.happened@1', aggregateType: 'thing', aggregateId: 'x', payload: {}, occurredAt: new Date().toISOString() };
    const first = { event: { ...base, id: crypto.randomUUID(), position: 1_000_001 }, predecessor: null };
    const second = { event: { ...base, id: crypto.randomUUID(), position: 1_000_002 }, predecessor: 1_000_001 };
    await expect(applyEvent(handle.db, consumer, second, logger)).rejects.toBeInstanceOf(PredecessorPendingError);
    expect(await applyEvent(handle.db, consumer, first, logger)).toBe('applied');
    expect(await applyEvent(handle.db, consumer, first, logger)).toBe('duplicate');
    expect(await applyEvent(handle.db, consumer, second, logger)).toBe('applied');
    const rows = await appliedEffects(handle, tenantId);
    expect(rows.map((r) => r.position)).toEqual([1_000_001, 1_000_002]);
  });

  it('rejects an event the consumer refuses (DomainError) without its effect, and moves on', async () => {
    const tenantId = crypto.randomUUID();
    const consumer = fixtureConsumer({ reject: new Set([2_000_001]) });
    const base = { source: 'bus_test', tenantId, type: 'thing.happened@1', aggregateType: 'thing', aggregateId: 'r', payload: {}, occurredAt: new Date().toISOString() };
    expect(await applyEvent(handle.db, consumer, { event: { ...base, id: crypto.randomUUID(), position: 2_000_001 }, predecessor: null }, logger)).toBe('rejected');
    expect(await applyEvent(handle.db, consumer, { event: { ...base, id: crypto.randomUUID(), position: 2_000_002 }, predecessor: 2_000_001 }, logger)).toBe('applied');
    const rows = await appliedEffects(handle, tenantId);
    expect(rows.map((r) => r.position)).toEqual([2_000_002]);
  });
});

describe('event bus crash recovery', () => {
  let testDb: TestDatabase;
  let dataDir: string | undefined;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    if (!testDb.databaseUrl) dataDir = await mkdtemp(path.join(tmpdir(), 'bus-crash-'));
  });
  afterAll(async () => {
    await testDb?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a consumer killed mid-batch (SIGKILL) and restarted applies every event exactly once, in order', async () => {
    const target = { databaseUrl: testDb.databaseUrl, dataDir };
    let handle = await openFixtureDatabase(target, true);
    const aggregates = Array.from({ length: 8 }, (_, i) => `k${i}`);
    await publish(handle, TENANT, aggregates, 25);
    await handle.close(); // PGlite: one process at a time owns the data directory

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'test-support/crashing-consumer.ts')], {
      env: { ...process.env, DATABASE_URL: target.databaseUrl ?? '', DATA_DIR: dataDir ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let applied = 0;
    const killed = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        applied += (chunk.toString().match(/applied/g) ?? []).length;
        if (applied >= 40 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    await killed;
    expect(applied).toBeGreaterThanOrEqual(40);
    expect(applied).toBeLessThan(200); // it died mid-way

    handle = await openFixtureDatabase(target, false);
    const partial = await appliedEffects(handle, TENANT);
    expect(partial.length).toBeLessThan(200);
    const bus = await startEventBus({
      database: handle,
      logger,
      relaySources: ['bus_test'],
      consumers: [fixtureConsumer()],
      jobExpirySeconds: 2,
      maintenanceIntervalSeconds: 1,
    });
    try {
      const rows = await waitFor(() => appliedEffects(handle, TENANT), (r) => new Set(r.map((x) => x.eventId)).size >= 200, 60_000);
      expect(new Set(rows.map((r) => r.eventId)).size).toBe(200);
      expect(rows).toHaveLength(200); // no event applied twice
      expectOrderedPerAggregate(rows);
      const pending = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'events.bus-test' and state in ('created','retry','active')`));
      expect(pending[0]?.n).toBe(0);
    } finally {
      await bus.stop();
      await handle.close();
    }
  }, 120_000);
});
