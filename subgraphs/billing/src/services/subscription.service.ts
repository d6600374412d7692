/**
 * Subscriptions of customers to prices: create (with a trial, or charged for
 * the first period at once), change prices or quantities mid-period with
 * proration to the second, cancel now or at period end, pause and resume.
 * Every change goes through `recordChange` (ledger + event); every mutation
 * that can move money takes an idempotency key.
 */
import { type Identity, InvalidStateError, NotFoundError, ValidationError } from '@platform/core';
import { billingTables as b, isUuid, type Tx } from '@platform/db';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { BillingInterval } from '../domain/intervals.js';
import { periodEndAfter } from '../domain/intervals.js';
import { formatMoney } from '../domain/money.js';
import { prorate } from '../domain/proration.js';
import { asActor, type BillingDeps, DAY_MS, requireTenant } from './deps.js';
import { idempotent } from './idempotency.js';
import { itemsDuring, licensedLines, meterAggregations, type PendingItemRow, pendingItemsOf, pendingLines, usageFor, usageLines } from './invoice-lines.js';
import { type BillingReason, type DraftLine, type InvoiceDraft, type InvoiceRow, writeInvoices } from './invoice-writer.js';
import { loadSettings } from './settings.service.js';
import { type ChangeKind, type ItemWithPrice, isMetered, licensedAmount, lockExistingSubscription, type PriceRow, recordChange, type SubscriptionRow } from './subscription-state.js';

export interface SubscriptionItemInput {
  priceId: string;
  quantity?: number | null;
}

export type PaymentBehavior = 'ACTIVATE' | 'DEFAULT_INCOMPLETE';
export type ProrationBehavior = 'CREATE_PRORATIONS' | 'ALWAYS_INVOICE' | 'NONE';

export interface CreateSubscriptionInput {
  customerId: string;
  items: SubscriptionItemInput[];
  /** Overrides the prices' trial; 0 for none. */
  trialDays?: number | null;
  /** ACTIVATE (default): active at once, first invoice charged; DEFAULT_INCOMPLETE: INCOMPLETE until that invoice is paid. */
  paymentBehavior?: PaymentBehavior | null;
  idempotencyKey?: string | null;
}

export interface ChangeSubscriptionInput {
  subscriptionId: string;
  /** The complete new set of items. */
  items: SubscriptionItemInput[];
  prorationBehavior?: ProrationBehavior | null;
  idempotencyKey?: string | null;
}

export interface CancelSubscriptionInput {
  subscriptionId: string;
  atPeriodEnd: boolean;
  idempotencyKey?: string | null;
}

const MAX_ITEMS = 20;
const MAX_QUANTITY = 1_000_000;
/** An INCOMPLETE subscription whose first invoice is not paid within this time is canceled (Stripe: 23 hours). */
export const INCOMPLETE_EXPIRY_MS = 23 * 3_600_000;

export class SubscriptionService {
  constructor(private readonly deps: BillingDeps) {}

  get(actor: Identity, id: string): Promise<SubscriptionRow> {
    return asActor(this.deps, actor, async (tx) => {
      const [row] = isUuid(id) ? await tx.select().from(b.subscriptions).where(eq(b.subscriptions.id, id)) : [];
      if (!row) throw new NotFoundError('Subscription', id);
      return row;
    });
  }

  create(actor: Identity, input: CreateSubscriptionInput): Promise<SubscriptionRow> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      const { result } = await idempotent(tx, { tenantId, key: input.idempotencyKey, operation: 'createSubscription', input: { ...input, idempotencyKey: undefined }, now }, async () => {
        const [customer] = isUuid(input.customerId) ? await tx.select().from(b.customers).where(eq(b.customers.id, input.customerId)).for('update') : [];
        if (!customer || customer.archivedAt) throw new NotFoundError('Customer', input.customerId);
        const prices = await validItems(tx, input.items, customer.currency);
        const first = prices[0]!.price;
        const trialDays = input.trialDays ?? Math.max(0, ...prices.map((p) => p.price.trialDays ?? 0));
        if (!Number.isInteger(trialDays) || trialDays < 0 || trialDays > 730) throw ValidationError.single('trialDays', 'must be a whole number of days between 0 and 730');
        const trialEnd = trialDays > 0 ? new Date(now.getTime() + trialDays * DAY_MS) : null;
        const interval = first.interval as BillingInterval;
        const anchor = trialEnd ?? now;
        const status = trialEnd ? 'TRIALING' : input.paymentBehavior === 'DEFAULT_INCOMPLETE' ? 'INCOMPLETE' : 'ACTIVE';
        const [inserted] = await tx
          .insert(b.subscriptions)
          .values({
            tenantId,
            customerId: customer.id,
            currency: first.currency,
            status,
            billingCycleAnchor: anchor,
            interval,
            intervalCount: first.intervalCount,
            currentPeriodStart: now,
            currentPeriodEnd: trialEnd ?? periodEndAfter(anchor, interval, first.intervalCount, 1),
            trialStart: trialEnd ? now : null,
            trialEnd,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        const subscription = inserted!;
        const items = await insertItems(tx, tenantId, subscription.id, prices, now);
        if (!customer.currency) await tx.update(b.customers).set({ currency: first.currency }).where(eq(b.customers.id, customer.id));
        let current = await recordChange(tx, subscription, { kind: 'CREATED', status, reason: trialEnd ? 'trial_started' : 'created', at: now, items, actorUserId: actor.userId });
        if (!trialEnd) {
          const [invoice] = await this.invoice(tx, current, 'SUBSCRIPTION_CREATE', licensedLines(items, { start: now, end: current.currentPeriodEnd }), []);
          // Nothing to pay (a free price): an INCOMPLETE subscription is complete at once.
          if (current.status === 'INCOMPLETE' && invoice?.status === 'PAID') {
            current = await recordChange(tx, current, { kind: 'STATUS', status: 'ACTIVE', reason: 'first_invoice_paid', at: now, items });
          }
        }
        return { subscriptionId: current.id };
      });
      const [row] = await tx.select().from(b.subscriptions).where(eq(b.subscriptions.id, result.subscriptionId as string));
      return row!;
    });
  }

  /**
   * Replaces the subscription's items. Licensed items that changed are
   * prorated to the second over the rest of the current period: a credit for
   * the unused time of the old item, a charge for the remaining time of the
   * new one (10.00 → 20.00 halfway through: −5.00 and +10.00, net +5.00).
   */
  change(actor: Identity, input: ChangeSubscriptionInput): Promise<SubscriptionRow> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    const behavior = input.prorationBehavior ?? 'CREATE_PRORATIONS';
    return asActor(this.deps, actor, async (tx) => {
      const { result } = await idempotent(tx, { tenantId, key: input.idempotencyKey, operation: 'changeSubscription', input: { ...input, idempotencyKey: undefined }, now }, async () => {
        const { subscription, items: before } = await lockExistingSubscription(tx, input.subscriptionId);
        if (subscription.status === 'CANCELED') throw new InvalidStateError('The subscription is CANCELED; its prices and quantities can no longer change');
        if (subscription.status === 'PAUSED') throw new InvalidStateError('The subscription is PAUSED; resume it before changing its prices');
        const wanted = await validItems(tx, input.items, subscription.currency);
        for (const [i, { price }] of wanted.entries()) {
          if (price.interval !== subscription.interval || price.intervalCount !== subscription.intervalCount) {
            throw ValidationError.single(
              `items.${i}.priceId`,
              `bills every ${price.intervalCount} ${price.interval}, but the subscription every ${subscription.intervalCount} ${subscription.interval}; cancel and subscribe again to change the billing interval`,
            );
          }
        }
        const same = (e: ItemWithPrice, w: { price: PriceRow; quantity: number }) => e.price.id === w.price.id && (isMetered(e.price) || e.item.quantity === w.quantity);
        const removed = before.filter((e) => !wanted.some((w) => same(e, w)));
        const added = wanted.filter((w) => !before.some((e) => same(e, w)));
        if (removed.length === 0 && added.length === 0) return { subscriptionId: subscription.id };
        if (removed.length > 0) {
          await tx
            .update(b.subscriptionItems)
            .set({ deletedAt: now })
            .where(
              inArray(
                b.subscriptionItems.id,
                removed.map((e) => e.item.id),
              ),
            );
        }
        const addedItems = await insertItems(tx, tenantId, subscription.id, added, now);
        const after = [...before.filter((e) => !removed.includes(e)), ...addedItems];
        const prorations =
          behavior === 'NONE' || subscription.status === 'TRIALING' || subscription.status === 'INCOMPLETE' ? [] : prorationItems(subscription, removed, addedItems, now);
        if (prorations.length > 0) await tx.insert(b.pendingItems).values(prorations);
        const kind: ChangeKind = removed.every((e) => addedItems.some((a) => a.price.id === e.price.id)) ? 'QUANTITY_CHANGE' : 'PLAN_CHANGE';
        const updated = await recordChange(tx, subscription, { kind, status: subscription.status as never, reason: kind.toLowerCase(), at: now, items: after, actorUserId: actor.userId });
        if (behavior === 'ALWAYS_INVOICE' && prorations.length > 0) {
          const pending = (await pendingItemsOf(tx, [subscription.id])).get(subscription.id) ?? [];
          await this.invoice(tx, updated, 'SUBSCRIPTION_UPDATE', [], pending);
        }
        return { subscriptionId: subscription.id };
      });
      const [row] = await tx.select().from(b.subscriptions).where(eq(b.subscriptions.id, result.subscriptionId as string));
      return row!;
    });
  }

  /**
   * At period end: the subscription runs (and counts) until its period closes,
   * when the billing run bills the last usage and cancels it. Now: canceled
   * at once, with a final invoice for usage so far and unbilled prorations.
   */
  cancel(actor: Identity, input: CancelSubscriptionInput): Promise<SubscriptionRow> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      const { result } = await idempotent(tx, { tenantId, key: input.idempotencyKey, operation: 'cancelSubscription', input: { ...input, idempotencyKey: undefined }, now }, async () => {
        const { subscription, items } = await lockExistingSubscription(tx, input.subscriptionId);
        if (subscription.status === 'CANCELED') throw new InvalidStateError('The subscription is already CANCELED');
        if (input.atPeriodEnd) {
          if (!['TRIALING', 'ACTIVE', 'PAST_DUE'].includes(subscription.status)) {
            throw new InvalidStateError(`A ${subscription.status} subscription has no period to run out; cancel it now instead`);
          }
          if (!subscription.cancelAtPeriodEnd) {
            await recordChange(tx, subscription, {
              kind: 'CANCEL_SCHEDULED',
              status: subscription.status as never,
              reason: 'cancel_at_period_end',
              at: now,
              items,
              actorUserId: actor.userId,
              set: { cancelAtPeriodEnd: true, canceledAt: now },
            });
          }
          return { subscriptionId: subscription.id };
        }
        await this.closeEarly(tx, subscription, now, 'SUBSCRIPTION_CANCEL');
        await recordChange(tx, subscription, {
          kind: 'STATUS',
          status: 'CANCELED',
          reason: 'canceled',
          at: now,
          items,
          actorUserId: actor.userId,
          set: { canceledAt: now, endedAt: now, cancelAtPeriodEnd: false },
        });
        return { subscriptionId: subscription.id };
      });
      const [row] = await tx.select().from(b.subscriptions).where(eq(b.subscriptions.id, result.subscriptionId as string));
      return row!;
    });
  }

  /** Stops billing: usage so far is invoiced now; nothing is billed while paused. */
  pause(actor: Identity, subscriptionId: string): Promise<SubscriptionRow> {
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      const { subscription, items } = await lockExistingSubscription(tx, subscriptionId);
      if (subscription.status !== 'ACTIVE') throw new InvalidStateError(`Only an ACTIVE subscription can be paused; this one is ${subscription.status}`);
      await this.closeEarly(tx, subscription, now, 'SUBSCRIPTION_UPDATE');
      return recordChange(tx, subscription, { kind: 'STATUS', status: 'PAUSED', reason: 'paused', at: now, items, actorUserId: actor.userId, set: { pausedAt: now } });
    });
  }

  /** Resumes a paused subscription with a fresh period from now, billed in advance like a new one. */
  resume(actor: Identity, subscriptionId: string): Promise<SubscriptionRow> {
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      const { subscription, items } = await lockExistingSubscription(tx, subscriptionId);
      if (subscription.status !== 'PAUSED') throw new InvalidStateError(`Only a PAUSED subscription can be resumed; this one is ${subscription.status}`);
      const periodEnd = periodEndAfter(now, subscription.interval as BillingInterval, subscription.intervalCount, 1);
      const resumed = await recordChange(tx, subscription, {
        kind: 'STATUS',
        status: 'ACTIVE',
        reason: 'resumed',
        at: now,
        items,
        actorUserId: actor.userId,
        set: { pausedAt: null, billingCycleAnchor: now, currentPeriodStart: now, currentPeriodEnd: periodEnd },
      });
      await this.invoice(tx, resumed, 'SUBSCRIPTION_UPDATE', licensedLines(items, { start: now, end: periodEnd }), []);
      return resumed;
    });
  }

  /** Bills what the current period has accrued so far (usage, pending prorations), when it ends early. */
  private async closeEarly(tx: Tx, subscription: SubscriptionRow, now: Date, reason: BillingReason): Promise<void> {
    if (subscription.status === 'TRIALING') return;
    const allItems = await itemsIncludingReplaced(tx, subscription);
    const period = { start: subscription.currentPeriodStart, end: now };
    const usage = await usageFor(tx, [{ customerId: subscription.customerId, items: allItems, period }], await meterAggregations(tx));
    const lines = usageLines(allItems, period, usage).filter((l) => l.amountMinor !== 0);
    const pending = (await pendingItemsOf(tx, [subscription.id])).get(subscription.id) ?? [];
    if (lines.length === 0 && pending.length === 0) return;
    await this.invoice(tx, subscription, reason, lines, pending, period);
  }

  private async invoice(
    tx: Tx,
    subscription: SubscriptionRow,
    reason: BillingReason,
    lines: DraftLine[],
    pending: PendingItemRow[],
    period = { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd },
  ): Promise<InvoiceRow[]> {
    const draft: InvoiceDraft = {
      customerId: subscription.customerId,
      subscriptionId: subscription.id,
      currency: subscription.currency,
      billingReason: reason,
      periodStart: period.start,
      periodEnd: period.end,
      lines: [...lines, ...pendingLines(pending)],
      pendingItemIds: pending.map((p) => p.id),
    };
    const settings = await loadSettings(tx, subscription.tenantId);
    return writeInvoices(tx, [draft], { tenantId: subscription.tenantId, settings, now: this.deps.now(), provider: this.deps.paymentProvider });
  }
}

/** Prices must exist, be offered, share one currency (the customer's, once fixed) and one interval, and appear once. */
async function validItems(tx: Tx, items: SubscriptionItemInput[], customerCurrency: string | null): Promise<{ price: PriceRow; quantity: number }[]> {
  if (items.length === 0 || items.length > MAX_ITEMS) throw ValidationError.single('items', `must hold 1–${MAX_ITEMS} prices`);
  const ids = items.map((i) => i.priceId);
  if (new Set(ids).size !== ids.length) throw ValidationError.single('items', 'list each price once (use quantity for more units)');
  const valid = ids.filter(isUuid);
  const rows = valid.length ? await tx.select().from(b.prices).where(inArray(b.prices.id, valid)) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return items.map((item, i) => {
    const price = byId.get(item.priceId);
    if (!price) throw new NotFoundError('Price', item.priceId);
    if (!price.active) throw new InvalidStateError(`Price ${price.id} is archived and cannot be subscribed to`);
    const first = byId.get(items[0]!.priceId)!;
    if (price.currency !== first.currency) throw ValidationError.single(`items.${i}.priceId`, `is in ${price.currency} but the first price is in ${first.currency}`);
    if (price.interval !== first.interval || price.intervalCount !== first.intervalCount) {
      throw ValidationError.single(`items.${i}.priceId`, 'every price of a subscription must bill on the same interval');
    }
    if (customerCurrency && price.currency !== customerCurrency) {
      throw ValidationError.single(`items.${i}.priceId`, `is in ${price.currency}, but this customer is billed in ${customerCurrency} (mismatched currency)`);
    }
    if (price.meterId) {
      if (item.quantity != null && item.quantity !== 1) throw ValidationError.single(`items.${i}.quantity`, 'a metered price is charged by usage; leave quantity out');
      return { price, quantity: 1 };
    }
    const quantity = item.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) {
      throw ValidationError.single(`items.${i}.quantity`, `must be a whole number between 0 and ${MAX_QUANTITY}`);
    }
    return { price, quantity };
  });
}

async function insertItems(tx: Tx, tenantId: string, subscriptionId: string, wanted: { price: PriceRow; quantity: number }[], now: Date): Promise<ItemWithPrice[]> {
  if (wanted.length === 0) return [];
  const rows = await tx
    .insert(b.subscriptionItems)
    .values(wanted.map((w) => ({ tenantId, subscriptionId, priceId: w.price.id, quantity: w.quantity, createdAt: now })))
    .returning();
  // From now on the prices are part of a contract and cannot change.
  await tx
    .update(b.prices)
    .set({ usedAt: now })
    .where(
      and(
        inArray(
          b.prices.id,
          wanted.map((w) => w.price.id),
        ),
        isNull(b.prices.usedAt),
      ),
    );
  const plans = await tx
    .select({ id: b.plans.id, name: b.plans.name })
    .from(b.plans)
    .where(
      inArray(
        b.plans.id,
        wanted.map((w) => w.price.planId),
      ),
    );
  const planName = new Map(plans.map((p) => [p.id, p.name]));
  return rows.map((item, i) => ({ item, price: wanted[i]!.price, planName: planName.get(wanted[i]!.price.planId) ?? '' }));
}

async function itemsIncludingReplaced(tx: Tx, subscription: SubscriptionRow): Promise<ItemWithPrice[]> {
  return (await itemsDuring(tx, [subscription])).get(subscription.id) ?? [];
}

/** Credit for the unused time of each removed licensed item, charge for the remaining time of each added one. */
function prorationItems(subscription: SubscriptionRow, removed: ItemWithPrice[], added: ItemWithPrice[], now: Date): (typeof b.pendingItems.$inferInsert)[] {
  const period = { periodStart: subscription.currentPeriodStart, periodEnd: subscription.currentPeriodEnd, changeAt: now };
  if (now.getTime() >= period.periodEnd.getTime()) return [];
  const items: (typeof b.pendingItems.$inferInsert)[] = [];
  const base = { tenantId: subscription.tenantId, subscriptionId: subscription.id, kind: 'PRORATION', currency: subscription.currency, periodStart: now, periodEnd: period.periodEnd, createdAt: now };
  for (const entry of removed) {
    if (isMetered(entry.price)) continue;
    const { creditMinor } = prorate({ ...period, oldAmountMinor: licensedAmount(entry), newAmountMinor: 0 });
    if (creditMinor !== 0) {
      items.push({ ...base, description: `Unused time on ${describe(entry)} after ${now.toISOString()}`, priceId: entry.price.id, quantity: entry.item.quantity, amountMinor: creditMinor });
    }
  }
  for (const entry of added) {
    if (isMetered(entry.price)) continue;
    const { chargeMinor } = prorate({ ...period, oldAmountMinor: 0, newAmountMinor: licensedAmount(entry) });
    if (chargeMinor !== 0) {
      items.push({ ...base, description: `Remaining time on ${describe(entry)} after ${now.toISOString()}`, priceId: entry.price.id, quantity: entry.item.quantity, amountMinor: chargeMinor });
    }
  }
  return items;
}

function describe(entry: ItemWithPrice): string {
  return `${entry.planName} × ${entry.item.quantity} (${formatMoney(licensedAmount(entry), entry.price.currency)} per period)`;
}
