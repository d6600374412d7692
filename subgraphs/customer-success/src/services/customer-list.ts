/**
 * The `customers` list: oldest first, keyset-paginated, filtered; archived
 * customers only when asked. Split in a check of the request (before any SQL)
 * and its query, so that the aliased `customers` fields of one operation run
 * in one transaction (loaders/index.ts, customerPages) and complete together.
 */
import { afterCursor, type Page, type PageArgs, pageRequest, parseInput, toPageBy } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { and, asc, eq, ilike, isNull, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { CustomerRow } from './customer-lookup.js';
import { LIFECYCLE_STAGES, type LifecycleStage, SEGMENTS, type Segment } from './customer.service.js';

export interface CustomerFilter {
  segment?: Segment | null;
  lifecycleStage?: LifecycleStage | null;
  band?: 'RED' | 'YELLOW' | 'GREEN' | null;
  ownerUserId?: string | null;
  search?: string | null;
  includeArchived?: boolean | null;
}
const filterSchema = z.object({
  segment: z.enum(SEGMENTS).nullish(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).nullish(),
  band: z.enum(['RED', 'YELLOW', 'GREEN']).nullish(),
  ownerUserId: z.string().uuid('must be a user id').nullish(),
  search: z.string().trim().max(200).nullish(),
  includeArchived: z.boolean().nullish(),
});

export interface CustomerListRequest extends PageArgs {
  filter?: CustomerFilter | null;
}

export interface CustomerListQuery {
  size: number;
  where: SQL | undefined;
}

/** Checks the filter, page size and cursor; throws ValidationError naming the argument. */
export function customerListQuery(request: CustomerListRequest): CustomerListQuery {
  const filter = parseInput(filterSchema, request.filter ?? {}, 'filter');
  const { size, cursor } = pageRequest(request);
  const c = cs.customers;
  const where = and(
    filter.includeArchived ? undefined : isNull(c.archivedAt),
    filter.segment ? eq(c.segment, filter.segment) : undefined,
    filter.lifecycleStage ? eq(c.lifecycleStage, filter.lifecycleStage) : undefined,
    filter.band ? eq(c.healthBand, filter.band) : undefined,
    filter.ownerUserId ? eq(c.ownerUserId, filter.ownerUserId) : undefined,
    filter.search ? ilike(c.name, `%${filter.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`) : undefined,
    afterCursor(cursor, c.createdAt, c.id, 'asc'),
  );
  return { size, where };
}

export async function customerPage(tx: Tx, query: CustomerListQuery): Promise<Page<CustomerRow>> {
  const c = cs.customers;
  const rows = await tx
    .select()
    .from(c)
    .where(query.where)
    .orderBy(asc(c.createdAt), asc(c.id))
    .limit(query.size + 1);
  return toPageBy(rows, query.size, (r) => r.createdAt);
}
