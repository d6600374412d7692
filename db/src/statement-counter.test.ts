/**
 * The statement counter sees what the driver sends (a tenant-scoped
 * transaction's BEGIN, set_config and COMMIT as well as drizzle's query), and
 * only for the work it wraps: concurrent work outside it is not counted.
 */
import { countStatements, type DatabaseHandle, inScope, openDatabase, recordStatement, tenancyTables as t } from '@platform/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database.js';

let testDb: TestDatabase;
let handle: DatabaseHandle;
const scope = { tenantId: crypto.randomUUID(), accountId: null };

beforeAll(async () => {
  testDb = await createTestDatabase();
  handle = await openDatabase({ databaseUrl: testDb.databaseUrl, onStatement: recordStatement });
  // postgres.js reads the server's array types on each new connection: open
  // the two connections the tests use now, so that read is not counted there.
  await Promise.all([handle.ping(), handle.ping()]);
});
afterAll(async () => {
  await handle?.close();
  await testDb?.drop();
});

it('counts every statement a tenant-scoped transaction sends, the transaction control included', async () => {
  const { result, statements } = await countStatements(() => inScope(handle.db, scope, (tx) => tx.select().from(t.tenants)));
  expect(result).toEqual([]);
  expect(statements.map((s) => s.trim().split(/\s+/)[0]!.toLowerCase())).toEqual(['begin', 'select', 'select', 'commit']);
  expect(statements[1]).toContain('set_config');
  expect(statements[2]).toContain('"tenancy"."tenants"');
});

it('leaves out statements of work running outside the counted work', async () => {
  const outside = inScope(handle.db, scope, async (tx) => {
    await tx.select().from(t.tenants);
    await tx.select().from(t.users);
  });
  const { statements } = await countStatements(() => handle.ping());
  await outside;
  expect(statements).toEqual(['select 1']);
});

it('leaves out what the counted work left to run after it finished', async () => {
  let later: Promise<void> = Promise.resolve();
  const { statements } = await countStatements(async () => {
    later = new Promise((resolve) => setTimeout(() => resolve(handle.ping()), 20));
  });
  await later;
  expect(statements).toEqual([]);
});
