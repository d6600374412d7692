/**
 * A paginated list on every object of a list (each customer's journey,
 * invoices, support tickets) without one query per object: a per-request
 * loader collects the parents asked for with the same arguments and fetches a
 * page for each of them in ONE statement, a lateral join that reads each
 * parent's rows from its own index range with a LIMIT, the plan the
 * single-parent query had.
 */

import { isUuid, sqlArray, type Tx } from '@platform/db';
import DataLoader from 'dataloader';
import { and, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Page } from './keyset-paging.js';

export interface RowsPerParentQuery {
  /** The column naming each row's parent. */
  parent: PgColumn;
  parents: readonly string[];
  /** Further conditions (cursor, filters), applied within each parent. */
  where?: SQL | undefined;
  orderBy: readonly SQL[];
  /** Rows per parent at most: the page size plus the look-ahead row. */
  limit: number;
}

/**
 * `unnest(parents) cross join lateral (select … where parent = parents.id and … order by … limit n)`,
 * each parent's rows in `orderBy` order (ranked in the lateral query, since a
 * join promises no order of its own).
 */
export async function rowsPerParent<T extends PgTable>(tx: Tx, table: T, query: RowsPerParentQuery): Promise<T['$inferSelect'][]> {
  const order = sql.join([...query.orderBy], sql`, `);
  const page = tx
    .select({ ...getTableColumns(table as PgTable), rank: sql<number>`row_number() over (order by ${order})`.as('rank') })
    .from(table as PgTable)
    .where(and(eq(query.parent, sql`parents.id`), query.where))
    .orderBy(...query.orderBy)
    .limit(query.limit)
    .as('page');
  // Without a selection drizzle names each joined row by its alias: { page: { …columns, rank } }.
  const rows = await tx.select().from(sql`unnest(${sqlArray(query.parents)}::uuid[]) as parents(id)`).crossJoinLateral(page).orderBy(page.rank);
  return rows.map(({ page: { rank: _rank, ...columns } }) => columns as T['$inferSelect']);
}

export interface PagesPerParent<A, R> {
  /** The page of `parentId`'s rows for `args`, batched with every other parent asked for with equal args. */
  load(parentId: string, args: A): Promise<Page<R>>;
}

/**
 * Per-request loader of one page per parent. `fetch` gets the parents of one
 * batch (valid uuids only; another id names nothing and gets an empty page)
 * and their shared arguments, and returns every parent's rows in page order,
 * `toPage` splits one parent's rows into its page.
 */
export function pagesPerParent<A, R>(options: {
  fetch: (parentIds: string[], args: A) => Promise<R[]>;
  parentOf: (row: R) => string;
  toPage: (rows: R[], args: A) => Page<R>;
}): PagesPerParent<A, R> {
  const byArgs = new Map<string, DataLoader<string, Page<R>>>();
  const loaderFor = (args: A) => {
    const key = JSON.stringify(args);
    let loader = byArgs.get(key);
    if (!loader) {
      loader = new DataLoader<string, Page<R>>(async (ids) => {
        const valid = [...new Set(ids.filter(isUuid))];
        const rows = valid.length === 0 ? [] : await options.fetch(valid, args);
        const perParent = new Map<string, R[]>();
        for (const row of rows) {
          const list = perParent.get(options.parentOf(row));
          if (list) list.push(row);
          else perParent.set(options.parentOf(row), [row]);
        }
        return ids.map((id) => options.toPage(perParent.get(id) ?? [], args));
      });
      byArgs.set(key, loader);
    }
    return loader;
  };
  return { load: (parentId, args) => loaderFor(args).load(parentId) };
}
