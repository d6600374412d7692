/**
 * One page per parent for many parents: the same pages (order, look-ahead,
 * cursor) the single-parent query gives, for all parents of one batch in ONE
 * statement, on the real tables (customer journeys) under RLS.
 */
import { countStatements, customerSuccessTables as cs, type DatabaseHandle, inScope, openDatabase, recordStatement, type Tx } from '@platform/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database.js';
import { historyPage, type PageArgs } from './keyset-paging.js';
import { pagesPerParent, rowsPerParent } from './pages-per-parent.js';

let testDb: TestDatabase;
let handle: DatabaseHandle;
const scope = { tenantId: crypto.randomUUID(), accountId: null };
const run = <T>(work: (tx: Tx) => Promise<T>) => inScope(handle.db, scope, work);
const j = cs.journeyEvents;
/** Customer → its entries' titles, newest first. */
const journeys = new Map<string, string[]>();

function journeyPages() {
  return pagesPerParent({
    fetch: (ids, args: PageArgs) => {
      const page = historyPage(args, j.occurredAt, j.seq);
      return run((tx) => rowsPerParent(tx, j, { parent: j.customerId, parents: ids, where: page.where, orderBy: page.orderBy, limit: page.size + 1 }));
    },
    parentOf: (r) => r.customerId,
    toPage: (rows, args) => historyPage(args, j.occurredAt, j.seq).toPage(rows, (r) => r.occurredAt),
  });
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  handle = await openDatabase({ databaseUrl: testDb.databaseUrl, onStatement: recordStatement });
  await run(async (tx) => {
    for (const [name, entries] of [
      ['busy', 5],
      ['quiet', 2],
      ['new', 0],
    ] as const) {
      const [customer] = await tx.insert(cs.customers).values({ tenantId: scope.tenantId, name, segment: 'SMB' }).returning();
      const at = (i: number) => new Date(Date.UTC(2025, 0, 1 + i));
      const rows = Array.from({ length: entries }, (_, i) => ({ tenantId: scope.tenantId, customerId: customer!.id, kind: 'OWNER_CHANGED', title: `${name} ${i}`, occurredAt: at(i) }));
      if (rows.length > 0) await tx.insert(j).values(rows);
      journeys.set(customer!.id, rows.map((r) => r.title).reverse());
    }
  });
});
afterAll(async () => {
  await handle?.close();
  await testDb?.drop();
});

it('loads a page for every parent of a batch in one statement, each as its own query would', async () => {
  const pages = journeyPages();
  const ids = [...journeys.keys()];
  const { result, statements } = await countStatements(() => Promise.all([...ids, 'not-a-uuid'].map((id) => pages.load(id, { first: 2 }))));
  expect(statements.filter((s) => s.includes('journey_events'))).toHaveLength(1);
  expect(result.map((p) => p.nodes.map((n) => n.title))).toEqual([...ids.map((id) => journeys.get(id)!.slice(0, 2)), []]);
  expect(result.map((p) => p.pageInfo.hasNextPage)).toEqual([true, false, false, false]);
});

it('continues each parent after its own cursor', async () => {
  const [busy] = journeys.keys();
  const first = await journeyPages().load(busy!, { first: 2 });
  const second = await journeyPages().load(busy!, { first: 2, after: first.pageInfo.endCursor });
  const last = await journeyPages().load(busy!, { first: 2, after: second.pageInfo.endCursor });
  expect([first, second, last].flatMap((p) => p.nodes.map((n) => n.title))).toEqual(journeys.get(busy!));
  expect(last.pageInfo.hasNextPage).toBe(false);
});

it('batches parents asked with equal arguments only', async () => {
  const pages = journeyPages();
  const [busy, quiet] = journeys.keys();
  const { result, statements } = await countStatements(() => Promise.all([pages.load(busy!, { first: 1 }), pages.load(quiet!, { first: 3 }), pages.load(quiet!, { first: 1 })]));
  expect(statements.filter((s) => s.includes('journey_events'))).toHaveLength(2);
  expect(result.map((p) => p.nodes.length)).toEqual([1, 2, 1]);
});
