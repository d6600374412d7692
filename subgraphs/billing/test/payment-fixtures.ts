/**
 * Fixtures of the payment tests: an OPEN invoice charged once (a subscription
 * written directly, then invoiced through the invoice writer as the billing
 * run does), Stripe-shaped PaymentIntent events, and posting them signed.
 */
import { billingTables as b } from '@platform/db';
import { and, asc, eq } from 'drizzle-orm';
import { signWebhookPayload } from '../src/http/webhook-signature.js';
import { writeInvoices } from '../src/services/invoice-writer.js';
import { loadSettings } from '../src/services/settings.service.js';
import type { BillingHarness } from './support.js';

type Harness = Pick<BillingHarness, 'clock' | 'deps' | 'services' | 'asTenant' | 'customer'>;

export interface ChargedInvoice {
  tenantId: string;
  customerId: string;
  subscriptionId: string;
  invoiceId: string;
  /** The provider's id of the first charge (PENDING); empty for a draft, which is not charged. */
  providerPaymentId: string;
  amountMinor: number;
}

/** A subscription (ACTIVE unless told) of 10.00 USD a month and its finalised, charged first invoice. */
export async function chargedInvoice(
  h: Harness,
  tenantId: string,
  options: { status?: string; unitAmountMinor?: number; customerId?: string; subscriptionId?: string; periodStart?: Date } = {},
): Promise<ChargedInvoice> {
  const customerId = options.customerId ?? (await h.customer(tenantId));
  const unitAmountMinor = options.unitAmountMinor ?? 1_000;
  const now = h.clock.now;
  return h.asTenant(tenantId, async (tx) => {
    let subscriptionId = options.subscriptionId;
    let itemId: string | null = null;
    let priceId: string | null = null;
    if (!subscriptionId) {
      const [plan] = await tx.insert(b.plans).values({ tenantId, name: 'Pro' }).returning();
      const [price] = await tx
        .insert(b.prices)
        .values({ tenantId, planId: plan!.id, currency: 'USD', model: 'FLAT', unitAmountMinor, interval: 'MONTH', usedAt: now })
        .returning();
      const periodEnd = new Date(now.getTime() + 31 * 86_400_000);
      const [sub] = await tx
        .insert(b.subscriptions)
        .values({
          tenantId,
          customerId,
          currency: 'USD',
          status: options.status ?? 'ACTIVE',
          billingCycleAnchor: now,
          interval: 'MONTH',
          intervalCount: 1,
          currentPeriodStart: now,
          currentPeriodEnd: periodEnd,
          mrrMinor: unitAmountMinor,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const [item] = await tx.insert(b.subscriptionItems).values({ tenantId, subscriptionId: sub!.id, priceId: price!.id, quantity: 1 }).returning();
      subscriptionId = sub!.id;
      itemId = item!.id;
      priceId = price!.id;
    }
    const periodStart = options.periodStart ?? now;
    const [invoice] = await writeInvoices(
      tx,
      [
        {
          customerId,
          subscriptionId,
          currency: 'USD',
          billingReason: 'SUBSCRIPTION_CYCLE',
          periodStart,
          periodEnd: new Date(periodStart.getTime() + 31 * 86_400_000),
          lines: [{ kind: 'SUBSCRIPTION', description: 'Pro × 1', priceId, subscriptionItemId: itemId, quantity: 1, unitAmountMinor, amountMinor: unitAmountMinor }],
          pendingItemIds: [],
        },
      ],
      { tenantId, settings: await loadSettings(tx, tenantId), now, provider: h.deps.paymentProvider },
    );
    const [payment] = await tx.select().from(b.payments).where(eq(b.payments.invoiceId, invoice!.id));
    return { tenantId, customerId, subscriptionId, invoiceId: invoice!.id, providerPaymentId: payment?.providerPaymentId ?? '', amountMinor: invoice!.amountDueMinor };
  });
}

export interface IntentEventOptions {
  type?: 'payment_intent.succeeded' | 'payment_intent.payment_failed' | string;
  eventId?: string;
  providerPaymentId: string;
  amountMinor: number;
  currency?: string;
  invoiceId?: string;
  attempt?: number;
  created?: Date;
}

/** A Stripe event about a PaymentIntent, as the raw JSON body the provider posts. */
export function intentEvent(o: IntentEventOptions): string {
  const type = o.type ?? 'payment_intent.succeeded';
  const failed = type === 'payment_intent.payment_failed';
  return JSON.stringify({
    id: o.eventId ?? `evt_${crypto.randomUUID().replaceAll('-', '')}`,
    object: 'event',
    type,
    created: Math.floor((o.created ?? new Date()).getTime() / 1000),
    livemode: false,
    data: {
      object: {
        id: o.providerPaymentId,
        object: 'payment_intent',
        amount: o.amountMinor,
        currency: (o.currency ?? 'usd').toLowerCase(),
        status: failed ? 'requires_payment_method' : 'succeeded',
        metadata: { ...(o.invoiceId ? { invoice_id: o.invoiceId } : {}), ...(o.attempt ? { attempt: String(o.attempt) } : {}) },
        last_payment_error: failed ? { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } : null,
      },
    },
  });
}

/** Posts a body to the payment service as the route would, signed with `secret` at `signedAt` (default: now). */
export function postWebhook(h: Harness, tenantId: string, body: string, secret: string, signedAt: Date = h.clock.now) {
  return h.services.payments.handleWebhook(tenantId, Buffer.from(body), signWebhookPayload(body, secret, signedAt));
}

/** Succeeds or fails the invoice's latest charge through a signed webhook. */
export async function settleLatest(h: Harness, charged: ChargedInvoice, secret: string, type: 'payment_intent.succeeded' | 'payment_intent.payment_failed') {
  const latest = (await payments(h, charged.tenantId, charged.invoiceId)).at(-1)!;
  return postWebhook(h, charged.tenantId, intentEvent({ type, providerPaymentId: latest.providerPaymentId, amountMinor: latest.amountMinor, invoiceId: charged.invoiceId }), secret);
}

export function payments(h: Harness, tenantId: string, invoiceId: string) {
  return h.asTenant(tenantId, (tx) => tx.select().from(b.payments).where(eq(b.payments.invoiceId, invoiceId)).orderBy(asc(b.payments.attempt)));
}

export async function invoice(h: Harness, tenantId: string, invoiceId: string) {
  const [row] = await h.asTenant(tenantId, (tx) => tx.select().from(b.invoices).where(eq(b.invoices.id, invoiceId)));
  return row!;
}

export async function subscription(h: Harness, tenantId: string, subscriptionId: string) {
  const [row] = await h.asTenant(tenantId, (tx) => tx.select().from(b.subscriptions).where(eq(b.subscriptions.id, subscriptionId)));
  return row!;
}

export function webhookEvents(h: Harness, tenantId: string, eventId?: string) {
  return h.asTenant(tenantId, (tx) =>
    tx
      .select()
      .from(b.webhookEvents)
      .where(and(eq(b.webhookEvents.tenantId, tenantId), eventId ? eq(b.webhookEvents.eventId, eventId) : undefined)),
  );
}

/** The subscription's status ledger, oldest first, as `FROM→TO:reason`. */
export async function statusLedger(h: Harness, tenantId: string, subscriptionId: string): Promise<string[]> {
  const rows = await h.asTenant(tenantId, (tx) =>
    tx.select().from(b.subscriptionChanges).where(eq(b.subscriptionChanges.subscriptionId, subscriptionId)).orderBy(asc(b.subscriptionChanges.id)),
  );
  return rows.filter((r) => r.kind === 'STATUS').map((r) => `${r.fromStatus}→${r.toStatus}:${r.reason}`);
}

/** The payloads of the tenant's outbox events of one type, oldest first. */
export async function payloads(h: Pick<BillingHarness, 'outbox'>, tenantId: string, type: string): Promise<Record<string, unknown>[]> {
  return (await h.outbox(tenantId, type)).map((e) => e.payload as Record<string, unknown>);
}
