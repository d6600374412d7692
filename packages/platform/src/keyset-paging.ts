/**
 * Keyset pages over (timestamp, id) in either direction, with the platform's
 * opaque cursors. Histories and timelines read newest first; lists of accounts
 * oldest first.
 */

import { and, desc, eq, gt, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { ValidationError } from './errors.js';
import { type Cursor, decodeCursor, encodeCursor, pageSize } from './pagination.js';

export interface Page<R> {
  nodes: R[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export function pageRequest(args: PageArgs, fallback = 50): { size: number; cursor: Cursor | null } {
  return { size: pageSize(args.first, fallback), cursor: decodeCursor(args.after) };
}

/** Rows strictly after the cursor in (at, id) order, ascending or descending. */
export function afterCursor(cursor: Cursor | null, at: PgColumn, id: PgColumn, direction: 'asc' | 'desc'): SQL | undefined {
  if (!cursor) return undefined;
  const beyond = direction === 'asc' ? gt : lt;
  return or(beyond(at, cursor.createdAt), and(eq(at, cursor.createdAt), beyond(id, cursor.id)));
}

/** Splits `size + 1` fetched rows into a page and its look-ahead. */
export function toPageBy<R extends { id: string }>(rows: R[], size: number, at: (row: R) => Date): Page<R> {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return { nodes, pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor({ createdAt: at(last), id: last.id }) : null } };
}

/**
 * Newest-first pages of an append-only history ordered by (timestamp, seq):
 * entries written in one instant keep their order of writing. The cursor
 * carries the seq where other cursors carry the id.
 */
export function historyPage(args: PageArgs, at: PgColumn, seq: PgColumn) {
  const { size, cursor } = pageRequest(args);
  const position = cursor ? Number(cursor.id) : null;
  if (cursor && !Number.isSafeInteger(position)) throw ValidationError.single('after', 'is not a cursor returned by this API');
  return {
    size,
    where: cursor ? or(lt(at, cursor.createdAt), and(eq(at, cursor.createdAt), lt(seq, position!))) : undefined,
    orderBy: [desc(at), desc(seq)] as const,
    toPage<R extends { seq: number }>(rows: R[], atOf: (row: R) => Date): Page<R> {
      const nodes = rows.slice(0, size);
      const last = nodes.at(-1);
      return { nodes, pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor({ createdAt: atOf(last), id: String(last.seq) }) : null } };
    },
  };
}
