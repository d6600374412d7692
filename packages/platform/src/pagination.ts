/**
 * Keyset pagination helpers shared by every subgraph: opaque cursors over
 * (createdAt, id) and a bounded page size (1–100, as GitHub does).
 */
import { ValidationError } from './errors.js';

export const MAX_PAGE_SIZE = 100;
/** A page without `first`. */
export const DEFAULT_PAGE_SIZE = 50;

export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString('base64url');
}

export function decodeCursor(value: string | null | undefined, argName = 'after'): Cursor | null {
  if (!value) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw ValidationError.single(argName, 'is not a cursor returned by this API');
  }
}

export function pageSize(first: number | null | undefined, fallback = DEFAULT_PAGE_SIZE): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw ValidationError.single('first', `must be between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

/** Fetch `size + 1` rows, then call this to split the page from the look-ahead row. */
export function toPage<R extends { createdAt: Date; id: string }>(rows: R[], size: number) {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return { nodes, pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor(last) : null } };
}
