/**
 * Per-request DataLoaders. Each batch runs in one transaction scoped to the
 * caller, so RLS decides what is visible: another tenant's rows resolve to
 * null or nothing.
 */
import { afterCursor, type Identity, type PageArgs, pageRequest, pagesPerParent, rowsPerParent, toPageBy } from '@platform/core';
import { billingTables as b, isUuid, type Tx } from '@platform/db';
import DataLoader from 'dataloader';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { asActor, type BillingDeps } from '../services/deps.js';
import type { InvoiceFilter } from '../services/invoice.service.js';
import type { ItemWithPrice } from '../services/subscription-state.js';
import { currentUsage, type MeterUsage } from '../services/usage.service.js';

export function createLoaders(deps: BillingDeps, actor: Identity) {
  const run = <T>(work: (tx: Tx) => Promise<T>) => asActor(deps, actor, work);

  /** One row per key (or null). */
  const one = <R>(fetch: (tx: Tx, keys: string[]) => Promise<R[]>, keyOf: (row: R) => string) =>
    new DataLoader<string, R | null>(async (keys) => {
      const valid = [...new Set(keys.filter(isUuid))];
      const rows = valid.length === 0 ? [] : await run((tx) => fetch(tx, valid));
      const map = new Map(rows.map((r) => [keyOf(r), r]));
      return keys.map((k) => map.get(k) ?? null);
    });
  /** Every row per key, in the order the query returns them. */
  const many = <R>(fetch: (tx: Tx, keys: string[]) => Promise<R[]>, keyOf: (row: R) => string) =>
    new DataLoader<string, R[]>(async (keys) => {
      const valid = [...new Set(keys.filter(isUuid))];
      const rows = valid.length === 0 ? [] : await run((tx) => fetch(tx, valid));
      const map = new Map<string, R[]>();
      for (const r of rows) {
        const list = map.get(keyOf(r));
        if (list) list.push(r);
        else map.set(keyOf(r), [r]);
      }
      return keys.map((k) => map.get(k) ?? []);
    });

  return {
    customer: one((tx, ids) => tx.select().from(b.customers).where(inArray(b.customers.id, ids)), (r) => r.id),
    plan: one((tx, ids) => tx.select().from(b.plans).where(inArray(b.plans.id, ids)), (r) => r.id),
    price: one((tx, ids) => tx.select().from(b.prices).where(inArray(b.prices.id, ids)), (r) => r.id),
    meter: one((tx, ids) => tx.select().from(b.meters).where(inArray(b.meters.id, ids)), (r) => r.id),
    subscription: one((tx, ids) => tx.select().from(b.subscriptions).where(inArray(b.subscriptions.id, ids)), (r) => r.id),
    invoice: one((tx, ids) => tx.select().from(b.invoices).where(inArray(b.invoices.id, ids)), (r) => r.id),
    pricesByPlan: many(
      (tx, ids) => tx.select().from(b.prices).where(inArray(b.prices.planId, ids)).orderBy(asc(b.prices.createdAt), asc(b.prices.id)),
      (r) => r.planId,
    ),
    subscriptionsByCustomer: many(
      (tx, ids) => tx.select().from(b.subscriptions).where(inArray(b.subscriptions.customerId, ids)).orderBy(desc(b.subscriptions.createdAt), desc(b.subscriptions.id)),
      (r) => r.customerId,
    ),
    itemsBySubscription: many(
      (tx, ids) =>
        tx
          .select({ item: b.subscriptionItems, price: b.prices, planName: b.plans.name })
          .from(b.subscriptionItems)
          .innerJoin(b.prices, eq(b.prices.id, b.subscriptionItems.priceId))
          .innerJoin(b.plans, eq(b.plans.id, b.prices.planId))
          .where(and(inArray(b.subscriptionItems.subscriptionId, ids), isNull(b.subscriptionItems.deletedAt)))
          .orderBy(asc(b.subscriptionItems.createdAt), asc(b.subscriptionItems.id)) as Promise<ItemWithPrice[]>,
      (r) => r.item.subscriptionId,
    ),
    /** Customer.invoices: newest first, one page per customer, the customers of a list in one statement. */
    invoicesByCustomer: pagesPerParent({
      fetch: (ids, args: PageArgs & Pick<InvoiceFilter, 'status'>) => {
        const { size, cursor } = pageRequest(args);
        const where = and(args.status ? eq(b.invoices.status, args.status) : undefined, afterCursor(cursor, b.invoices.createdAt, b.invoices.id, 'desc'));
        const orderBy = [desc(b.invoices.createdAt), desc(b.invoices.id)];
        return run((tx) => rowsPerParent(tx, b.invoices, { parent: b.invoices.customerId, parents: ids, where, orderBy, limit: size + 1 }));
      },
      parentOf: (r) => r.customerId,
      toPage: (rows, args) => toPageBy(rows, pageRequest(args).size, (r) => r.createdAt),
    }),
    linesByInvoice: many(
      (tx, ids) => tx.select().from(b.invoiceLines).where(inArray(b.invoiceLines.invoiceId, ids)).orderBy(asc(b.invoiceLines.position)),
      (r) => r.invoiceId,
    ),
    paymentsByInvoice: many(
      (tx, ids) => tx.select().from(b.payments).where(inArray(b.payments.invoiceId, ids)).orderBy(asc(b.payments.attempt)),
      (r) => r.invoiceId,
    ),
    currentUsageBySubscription: new DataLoader<string, MeterUsage[]>(async (ids) => {
      const valid = [...new Set(ids.filter(isUuid))];
      const usage = valid.length === 0 ? new Map<string, MeterUsage[]>() : await run((tx) => currentUsage(tx, valid));
      return ids.map((id) => usage.get(id) ?? []);
    }),
    pendingBySubscription: many(
      (tx, ids) =>
        tx
          .select()
          .from(b.pendingItems)
          .where(and(inArray(b.pendingItems.subscriptionId, ids), isNull(b.pendingItems.invoiceId)))
          .orderBy(asc(b.pendingItems.createdAt), asc(b.pendingItems.amountMinor), asc(b.pendingItems.id)),
      (r) => r.subscriptionId,
    ),
  };
}

export type BillingLoaders = ReturnType<typeof createLoaders>;
