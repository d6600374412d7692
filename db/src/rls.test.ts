/**
 * Row-level security at the database level, through the application role and
 * no application code: a transaction scoped to tenant A sees, changes and
 * creates only A's rows in every tenant-owned table, an unscoped one sees
 * nothing, and every table anywhere that has a `tenant_id` column is under
 * forced RLS (so a future subgraph's table cannot be forgotten).
 */
import { type DatabaseHandle, inScope, openDatabase, rowsOf, type Tx, tenancyTables as t } from '@platform/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

let testDb: TestDatabase;
let handle: DatabaseHandle;

const A = crypto.randomUUID();
const B = crypto.randomUUID();
const ownerA = crypto.randomUUID();
const ownerB = crypto.randomUUID();
/** An account that belongs to both tenants. */
const both = crypto.randomUUID();

/** One row of each tenant-owned table, for `tenantId`; `tag` keeps unique columns unique. */
const SEEDERS: Record<string, (tx: Tx, tenantId: string, accountId: string, tag: string) => Promise<unknown>> = {
  'tenancy.tenants': (tx, tenantId, _a, tag) => tx.insert(t.tenants).values({ id: tenantId, slug: `rls-${tag}`, name: `Tenant ${tag}` }),
  'tenancy.users': (tx, tenantId, accountId) => tx.insert(t.users).values({ tenantId, accountId, role: 'owner' }),
  'tenancy.roles': (tx, tenantId) => tx.insert(t.roles).values({ tenantId, key: 'auditor', name: 'Auditor', permissions: ['tenant:read'] }),
  'tenancy.invitations': (tx, tenantId, _a, tag) =>
    tx.insert(t.invitations).values({ tenantId, email: `${tag}@example.com`, role: 'member', tokenHash: `hash-${tag}`, expiresAt: new Date(Date.now() + 86_400_000) }),
  'tenancy.feature_flags': (tx, tenantId) => tx.insert(t.featureFlags).values({ tenantId, key: 'beta', enabled: true }),
  'tenancy.branding': (tx, tenantId) => tx.insert(t.branding).values({ tenantId, data: { primaryColor: '#0a66c2' }, storageBytes: 10 }),
  'tenancy.custom_domains': (tx, tenantId, _a, tag) => tx.insert(t.customDomains).values({ tenantId, domain: `${tag}.example.com`, verificationToken: `token-${tag}` }),
  'tenancy.usage_counters': (tx, tenantId) => tx.insert(t.usageCounters).values({ tenantId, metric: 'api_calls', period: '2025-01-01', value: 7 }),
  'tenancy.outbox': (tx, tenantId) => tx.insert(t.tenancyOutbox).values({ tenantId, type: 'test.seeded@1', aggregateType: 'tenant', aggregateId: tenantId, payload: {} }),
};

/** The column that names a table's tenant: `tenant_id`, or `id` for the tenants table itself. */
const tenantColumn = (table: string) => (table === 'tenancy.tenants' ? 'id' : 'tenant_id');


async function query<R>(runner: Pick<Tx, 'execute'>, statement: ReturnType<typeof sql>): Promise<R[]> {
  return rowsOf<R>(await runner.execute(statement));
}

/** The SQLSTATE of a failed query, however the driver and drizzle wrap it. */
function sqlState(err: unknown): string | undefined {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail');
}

/** Tables (schema.name) other than the system ones that have a tenant_id column, with their RLS flags. */
async function tablesWithTenantId(runner: Pick<Tx, 'execute'>) {
  return query<{ name: string; rls: boolean; forced: boolean }>(
    runner,
    sql`select n.nspname || '.' || c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p')
          and n.nspname not in ('pg_catalog', 'information_schema', 'drizzle')
          and n.nspname not like 'pg_toast%'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnum > 0 and not a.attisdropped)
        order by 1`,
  );
}

async function tenantsOf(scope: { tenantId: string | null; accountId: string | null }, table: string): Promise<string[]> {
  const rows = await inScope(handle.db, scope, (tx) => query<{ tenant: string }>(tx, sql.raw(`select ${tenantColumn(table)}::text as tenant from ${table}`)));
  return rows.map((r) => r.tenant);
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  handle = await openDatabase({ databaseUrl: testDb.databaseUrl });
  await handle.db.insert(t.accounts).values(
    [ownerA, ownerB, both].map((id) => ({ id, email: `${id}@example.com`, name: 'Person', passwordHash: 'not-a-hash' })),
  );
  for (const [tenantId, ownerId, tag] of [[A, ownerA, `a-${A.slice(0, 8)}`], [B, ownerB, `b-${B.slice(0, 8)}`]] as const) {
    await inScope(handle.db, { tenantId, accountId: ownerId }, async (tx) => {
      for (const seed of Object.values(SEEDERS)) await seed(tx, tenantId, ownerId, tag);
      await tx.insert(t.users).values({ tenantId, accountId: both, role: 'member' });
    });
  }
});

afterAll(async () => {
  await handle?.close();
  await testDb?.drop();
});

describe('row-level security on the tenancy tables', () => {
  it('the seeded tables are every tenancy table with a tenant_id column', async () => {
    const catalogue = (await tablesWithTenantId(handle.db)).map((r) => r.name).filter((n) => n.startsWith('tenancy.'));
    expect(Object.keys(SEEDERS).filter((n) => n !== 'tenancy.tenants').sort()).toEqual(catalogue);
  });

  it.each(Object.keys(SEEDERS))('%s: a SELECT with no WHERE in tenant A’s scope returns only A’s rows', async (table) => {
    expect(await tenantsOf({ tenantId: B, accountId: ownerB }, table)).toContain(B);
    const seen = await tenantsOf({ tenantId: A, accountId: ownerA }, table);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([A]));
  });

  it.each(Object.keys(SEEDERS))('%s: with no tenant in scope nothing is visible', async (table) => {
    expect(await tenantsOf({ tenantId: null, accountId: null }, table)).toEqual([]);
    const outsideAnyScope = await query<{ n: number }>(handle.db, sql.raw(`select count(*)::int as n from ${table}`));
    expect(outsideAnyScope).toEqual([{ n: 0 }]);
  });

  it.each(Object.keys(SEEDERS))('%s: inserting a row for tenant B in A’s scope is an RLS violation', async (table) => {
    const seed = SEEDERS[table]!;
    const before = await tenantsOf({ tenantId: B, accountId: ownerB }, table);
    const err = await failure(inScope(handle.db, { tenantId: A, accountId: ownerA }, (tx) => seed(tx, B, ownerA, `x-${crypto.randomUUID().slice(0, 8)}`)));
    expect(sqlState(err)).toBe('42501');
    expect(String((err as { cause?: Error }).cause?.message ?? (err as Error).message)).toMatch(/row-level security/);
    expect(await tenantsOf({ tenantId: B, accountId: ownerB }, table)).toEqual(before);
  });

  it.each(Object.keys(SEEDERS))('%s: UPDATE and DELETE of B’s rows in A’s scope affect no row', async (table) => {
    const column = tenantColumn(table);
    const before = await tenantsOf({ tenantId: B, accountId: ownerB }, table);
    const { updated, deleted } = await inScope(handle.db, { tenantId: A, accountId: ownerA }, async (tx) => ({
      // Moving B's rows into A would pass A's WITH CHECK; the USING clause must not let them be seen.
      updated: await query(tx, sql`update ${sql.raw(table)} set ${sql.raw(column)} = ${A}::uuid where ${sql.raw(column)} = ${B}::uuid returning 1 as one`),
      deleted: await query(tx, sql`delete from ${sql.raw(table)} where ${sql.raw(column)} = ${B}::uuid returning 1 as one`),
    }));
    expect(updated).toHaveLength(0);
    expect(deleted).toHaveLength(0);
    expect(await tenantsOf({ tenantId: B, accountId: ownerB }, table)).toEqual(before);
    expect(before.length).toBeGreaterThan(0);
  });

  it('an account sees its own memberships and tenants elsewhere, and nothing else of them', async () => {
    const users = await inScope(handle.db, { tenantId: A, accountId: both }, (tx) => tx.select({ tenantId: t.users.tenantId, accountId: t.users.accountId }).from(t.users));
    expect(users.filter((u) => u.tenantId === B)).toEqual([{ tenantId: B, accountId: both }]);
    expect(users.filter((u) => u.tenantId === A).map((u) => u.accountId).sort()).toEqual([ownerA, both].sort());
    const tenants = await inScope(handle.db, { tenantId: A, accountId: both }, (tx) => tx.select({ id: t.tenants.id }).from(t.tenants));
    expect(tenants.map((r) => r.id).sort()).toEqual([A, B].sort());
    // Reading is all the membership policy allows: B's rows still cannot be changed from A.
    const changed = await inScope(handle.db, { tenantId: A, accountId: both }, (tx) =>
      query(tx, sql`update tenancy.users set role = 'owner' where tenant_id = ${B}::uuid returning 1 as one`),
    );
    expect(changed).toHaveLength(0);
  });

  it('the application role cannot switch row-level security off', async () => {
    const err = await failure(inScope(handle.db, { tenantId: A, accountId: ownerA }, (tx) => tx.execute(sql`alter table tenancy.users disable row level security`)));
    expect(sqlState(err)).toBe('42501');
    const flags = await tablesWithTenantId(handle.db);
    expect(flags.find((f) => f.name === 'tenancy.users')).toMatchObject({ rls: true, forced: true });
  });
});

describe('the catalogue', () => {
  it('every table with a tenant_id column, in any schema, has row-level security enabled and forced', async () => {
    const tables = await tablesWithTenantId(handle.db);
    expect(tables.map((r) => r.name)).toContain('tenancy.users');
    expect(tables.filter((r) => !(r.rls && r.forced)).map((r) => r.name)).toEqual([]);
  });

  it('the tenants table, keyed by its own id, has row-level security enabled and forced', async () => {
    const [row] = await query<{ rls: boolean; forced: boolean }>(
      handle.db,
      sql`select relrowsecurity as rls, relforcerowsecurity as forced from pg_class where oid = 'tenancy.tenants'::regclass`,
    );
    expect(row).toEqual({ rls: true, forced: true });
  });
});

describe('the application role (PostgreSQL)', () => {
  it('the app connects as platform_app, which is not a superuser and cannot bypass RLS', async (ctx) => {
    if (!onPostgres) {
      ctx.skip('PGlite has one superuser connection that switches to platform_app with SET ROLE; only a real server has a separate login role to check');
    }
    const [me] = await query<{ user: string }>(handle.db, sql`select current_user as user`);
    expect(me?.user).toBe('platform_app');
    const roles = await query<{ rolsuper: boolean; rolbypassrls: boolean }>(handle.db, sql`select rolsuper, rolbypassrls from pg_roles where rolname = 'platform_app'`);
    expect(roles).toEqual([{ rolsuper: false, rolbypassrls: false }]);
  });
});
