/**
 * The paginated lists on Customer (health history, journey, NPS responses,
 * support tickets): one page per customer, every customer of a list asked with
 * the same arguments fetched in one statement (pages-per-parent.ts), so a list
 * of customers with their journeys costs the same queries as one customer.
 */
import { afterCursor, historyPage, type PageArgs, pageRequest, pagesPerParent, rowsPerParent, toPageBy } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { and, desc, eq } from 'drizzle-orm';
import type { TICKET_STATUSES } from '../services/support.service.js';

type Run = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;
type TicketArgs = PageArgs & { status?: (typeof TICKET_STATUSES)[number] | null };

export function customerPageLoaders(run: Run) {
  const h = cs.healthScores;
  const j = cs.journeyEvents;
  const n = cs.npsResponses;
  const s = cs.supportTickets;
  return {
    /** Newest first; entries of one instant in reverse order of writing. */
    healthHistory: pagesPerParent({
      fetch: (ids, args: PageArgs) => {
        const page = historyPage(args, h.computedAt, h.seq);
        return run((tx) => rowsPerParent(tx, h, { parent: h.customerId, parents: ids, where: page.where, orderBy: page.orderBy, limit: page.size + 1 }));
      },
      parentOf: (r) => r.customerId,
      toPage: (rows, args) => historyPage(args, h.computedAt, h.seq).toPage(rows, (r) => r.computedAt),
    }),
    journey: pagesPerParent({
      fetch: (ids, args: PageArgs) => {
        const page = historyPage(args, j.occurredAt, j.seq);
        return run((tx) => rowsPerParent(tx, j, { parent: j.customerId, parents: ids, where: page.where, orderBy: page.orderBy, limit: page.size + 1 }));
      },
      parentOf: (r) => r.customerId,
      toPage: (rows, args) => historyPage(args, j.occurredAt, j.seq).toPage(rows, (r) => r.occurredAt),
    }),
    npsResponses: pagesPerParent({
      fetch: (ids, args: PageArgs) => {
        const { size, cursor } = pageRequest(args);
        const where = afterCursor(cursor, n.respondedAt, n.id, 'desc');
        return run((tx) => rowsPerParent(tx, n, { parent: n.customerId, parents: ids, where, orderBy: [desc(n.respondedAt), desc(n.id)], limit: size + 1 }));
      },
      parentOf: (r) => r.customerId,
      toPage: (rows, args) => toPageBy(rows, pageRequest(args).size, (r) => r.respondedAt),
    }),
    supportTickets: pagesPerParent({
      fetch: (ids, args: TicketArgs) => {
        const { size, cursor } = pageRequest(args);
        const where = and(args.status ? eq(s.status, args.status) : undefined, afterCursor(cursor, s.openedAt, s.id, 'desc'));
        return run((tx) => rowsPerParent(tx, s, { parent: s.customerId, parents: ids, where, orderBy: [desc(s.openedAt), desc(s.id)], limit: size + 1 }));
      },
      parentOf: (r) => r.customerId,
      toPage: (rows, args) => toPageBy(rows, pageRequest(args).size, (r) => r.openedAt),
    }),
  };
}
