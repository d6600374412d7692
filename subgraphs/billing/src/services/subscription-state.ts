/**
 * Every change of a subscription's status or of what it charges goes through
 * here: the row is updated, the MRR ledger (`subscription_changes`) gets a row
 * with MRR before and after, and a `subscription.status_changed@1` event is
 * recorded when the status moved. Revenue metrics read only that ledger.
 */
import { NotFoundError } from '@platform/core';
import { billingTables as b, isUuid, type Tx } from '@platform/db';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { BillingInterval } from '../domain/intervals.js';
import { assertSubscriptionTransition, type SubscriptionStatus } from '../domain/lifecycle.js';
import { chargeFor, type PriceModel, type PriceTerms, type Tier } from '../domain/pricing.js';
import { normaliseToMonthlyMinor } from '../domain/revenue.js';
import { emit } from '../events/emit.js';

export type SubscriptionRow = typeof b.subscriptions.$inferSelect;
export type ItemRow = typeof b.subscriptionItems.$inferSelect;
export type PriceRow = typeof b.prices.$inferSelect;
export type ItemWithPrice = { item: ItemRow; price: PriceRow; planName: string };
export type ChangeKind = 'CREATED' | 'STATUS' | 'PLAN_CHANGE' | 'QUANTITY_CHANGE' | 'CANCEL_SCHEDULED' | 'CANCEL_UNSCHEDULED';

/** Statuses in which a subscription counts towards MRR (trials, pauses and unpaid ones do not). */
const REVENUE_STATUSES: ReadonlySet<string> = new Set<SubscriptionStatus>(['ACTIVE', 'PAST_DUE']);

export function termsOf(price: PriceRow): PriceTerms {
  return { model: price.model as PriceModel, unitAmountMinor: price.unitAmountMinor, tiers: (price.tiers as Tier[] | null) ?? null };
}

/** Usage-based prices (METERED, or GRADUATED over a meter) are billed in arrears from usage. */
export function isMetered(price: PriceRow): boolean {
  return price.meterId !== null;
}

/** The recurring charge of one licensed item for one period. */
export function licensedAmount({ item, price }: ItemWithPrice): number {
  return chargeFor(termsOf(price), item.quantity).amountMinor;
}

/**
 * Monthly recurring revenue: the licensed items' charges normalised to a month.
 * Metered charges are left out (they are not recurring until billed; the
 * monthly revenue report shows them as collected revenue instead).
 */
export function mrrOf(status: string, items: ItemWithPrice[]): number {
  if (!REVENUE_STATUSES.has(status)) return 0;
  let total = 0;
  for (const entry of items) {
    if (isMetered(entry.price)) continue;
    total += normaliseToMonthlyMinor(licensedAmount(entry), entry.price.interval as BillingInterval, entry.price.intervalCount);
  }
  return total;
}

export async function currentItems(tx: Tx, subscriptionIds: string[]): Promise<Map<string, ItemWithPrice[]>> {
  const byId = new Map<string, ItemWithPrice[]>();
  if (subscriptionIds.length === 0) return byId;
  const rows = await tx
    .select({ item: b.subscriptionItems, price: b.prices, planName: b.plans.name })
    .from(b.subscriptionItems)
    .innerJoin(b.prices, eq(b.prices.id, b.subscriptionItems.priceId))
    .innerJoin(b.plans, eq(b.plans.id, b.prices.planId))
    .where(and(inArray(b.subscriptionItems.subscriptionId, subscriptionIds), isNull(b.subscriptionItems.deletedAt)));
  for (const row of rows) byId.set(row.item.subscriptionId, [...(byId.get(row.item.subscriptionId) ?? []), row]);
  return byId;
}

export interface RecordChange {
  kind: ChangeKind;
  reason: string;
  at: Date;
  /** The status after the change (the current one when only the items changed). */
  status: SubscriptionStatus;
  /** The items after the change. */
  items: ItemWithPrice[];
  actorUserId?: string | null;
  /** Further columns to update on the subscription in the same statement. */
  set?: Partial<SubscriptionRow>;
}

/**
 * Applies a change to a subscription: checks the status transition, writes the
 * row, the ledger entry and (on a status move) the event. Returns the new row.
 */
export async function recordChange(tx: Tx, subscription: SubscriptionRow, change: RecordChange): Promise<SubscriptionRow> {
  const from = change.kind === 'CREATED' ? null : (subscription.status as SubscriptionStatus);
  if (from !== null && from !== change.status) assertSubscriptionTransition(from, change.status);
  const mrrBefore = change.kind === 'CREATED' ? 0 : subscription.mrrMinor;
  const mrrAfter = mrrOf(change.status, change.items);
  const [updated] = await tx
    .update(b.subscriptions)
    .set({ ...change.set, status: change.status, mrrMinor: mrrAfter, updatedAt: change.at })
    .where(eq(b.subscriptions.id, subscription.id))
    .returning();
  await tx.insert(b.subscriptionChanges).values({
    tenantId: subscription.tenantId,
    subscriptionId: subscription.id,
    customerId: subscription.customerId,
    kind: change.kind,
    fromStatus: from,
    toStatus: change.status,
    reason: change.reason,
    currency: subscription.currency,
    mrrBeforeMinor: mrrBefore,
    mrrAfterMinor: mrrAfter,
    occurredAt: change.at,
    actorUserId: change.actorUserId ?? null,
  });
  if (from !== change.status) {
    await emit(tx, subscription.tenantId, {
      type: 'subscription.status_changed@1',
      aggregate: { type: 'subscription', id: subscription.id },
      payload: {
        subscriptionId: subscription.id,
        customerId: subscription.customerId,
        from,
        to: change.status,
        reason: change.reason,
        mrrMinor: mrrAfter,
        currency: subscription.currency,
        occurredAt: change.at.toISOString(),
      },
    });
  }
  return updated!;
}

/** Loads a subscription and its current items, locking the row for the caller's transaction. */
export async function lockSubscription(tx: Tx, id: string): Promise<{ subscription: SubscriptionRow; items: ItemWithPrice[] } | null> {
  if (!isUuid(id)) return null;
  const [subscription] = await tx.select().from(b.subscriptions).where(eq(b.subscriptions.id, id)).for('update');
  if (!subscription) return null;
  const items = (await currentItems(tx, [id])).get(id) ?? [];
  return { subscription, items };
}

/** lockSubscription for an id from the caller: NOT_FOUND when it names no subscription of the tenant. */
export async function lockExistingSubscription(tx: Tx, id: string): Promise<{ subscription: SubscriptionRow; items: ItemWithPrice[] }> {
  const locked = await lockSubscription(tx, id);
  if (!locked) throw new NotFoundError('Subscription', id);
  return locked;
}
