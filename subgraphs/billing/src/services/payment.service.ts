/**
 * Payments: the provider's signed webhooks (verified, deduplicated by event
 * id, then applied to the charge they report), the dunning schedule (retries
 * of failed charges, then the tenant's final action) and payments recorded by
 * hand. Money only moves here and in `invoice-payment.ts`.
 *
 * A webhook is answered 400 only when it is not authentic (nothing is stored
 * then). An authentic event is always stored with its outcome and answered
 * 200, even when billing refuses it (REJECTED: no matching charge, a wrong
 * amount), because the provider would otherwise retry an event that can never
 * succeed.
 */
import { type Identity, InvalidStateError, NotFoundError } from '@platform/core';
import { billingTables as b, isUuid, type Tx } from '@platform/db';
import { and, asc, desc, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import { type DunningFinalAction, nextRetryAt } from '../domain/dunning.js';
import { emit } from '../events/emit.js';
import { type VerifiedWebhookEvent, verifyWebhookSignature, WebhookSignatureError } from '../http/webhook-signature.js';
import { asActor, asTenant, type BillingDeps, requireTenant } from './deps.js';
import { idempotent } from './idempotency.js';
import { dunSubscription, markInvoicePaid, markPaidOutOfBand, OUT_OF_BAND_PROVIDER, PAYABLE_INVOICE_STATUSES } from './invoice-payment.js';
import { type InvoiceRow, transitionInvoice } from './invoice-writer.js';
import type { BillingSettings } from './settings.service.js';

export type PaymentRow = typeof b.payments.$inferSelect;
export type WebhookOutcome = 'APPLIED' | 'IGNORED' | 'REJECTED';
export interface WebhookResponse {
  status: number;
  body: unknown;
}

/** Invoices whose retry is due, charged per batch (one UPDATE and one INSERT each). */
const RETRY_BATCH = 200;
const MAX_FAILURE_MESSAGE = 500;

/** What billing reads from a Stripe PaymentIntent. */
interface PaymentIntent {
  id: string;
  amountMinor: number;
  currency: string;
  invoiceId: string | null;
  attempt: number | null;
  failureCode: string | null;
  failureMessage: string | null;
}

interface Applied {
  outcome: WebhookOutcome;
  detail: string | null;
}

export class PaymentService {
  constructor(private readonly deps: BillingDeps) {}

  /** One provider webhook for one tenant, from its raw body and `Stripe-Signature` header. */
  async handleWebhook(tenantId: string, rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookResponse> {
    if (!isUuid(tenantId)) return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such webhook endpoint' } } };
    return asTenant(this.deps, tenantId, async (tx) => {
      const now = this.deps.now();
      // Read, not loadSettings: an unauthenticated request must not create a settings row.
      const [settings] = await tx.select().from(b.settings).where(eq(b.settings.tenantId, tenantId));
      const secrets = [settings?.webhookSecret, settings?.previousWebhookSecret].filter((s): s is string => !!s);
      if (!settings || secrets.length === 0) {
        return { status: 400, body: { error: { code: 'WEBHOOK_NOT_CONFIGURED', message: 'No webhook signing secret is configured for this tenant; rotate one first' } } };
      }
      let event: VerifiedWebhookEvent;
      try {
        event = verifyWebhookSignature({ payload: rawBody, header: signatureHeader, secrets, now });
      } catch (err) {
        if (!(err instanceof WebhookSignatureError)) throw err;
        return { status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID', reason: err.reason, message: err.message } } };
      }
      // The claim comes first: a concurrent delivery of the same event waits on this row and then sees a duplicate.
      const claimed = await tx
        .insert(b.webhookEvents)
        .values({ tenantId, eventId: event.id, type: event.type, outcome: 'RECEIVED', payload: JSON.parse(rawBody.toString('utf8')), receivedAt: now })
        .onConflictDoNothing()
        .returning({ eventId: b.webhookEvents.eventId });
      if (claimed.length === 0) return { status: 200, body: { received: true, duplicate: true } };
      const { outcome, detail } = await this.applyEvent(tx, settings, event, now);
      await tx
        .update(b.webhookEvents)
        .set({ outcome, detail })
        .where(and(eq(b.webhookEvents.tenantId, tenantId), eq(b.webhookEvents.eventId, event.id)));
      return { status: 200, body: { received: true, outcome } };
    });
  }

  /**
   * Charges every OPEN invoice whose retry is due at `asOf`: the next attempt
   * is requested from the provider and recorded PENDING; its outcome webhook
   * schedules the one after (so the schedule itself is applied in
   * recordFailure; the settings are taken for the run's uniform signature).
   * Invoices another run holds are skipped. Returns how many charges were
   * requested.
   */
  async retryDuePayments(tx: Tx, tenantId: string, asOf: Date, _settings: BillingSettings): Promise<number> {
    let requested = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const due = await tx
        .select()
        .from(b.invoices)
        .where(and(eq(b.invoices.tenantId, tenantId), eq(b.invoices.status, 'OPEN'), lte(b.invoices.nextPaymentAttemptAt, asOf), gt(b.invoices.id, after)))
        .orderBy(asc(b.invoices.id))
        .limit(RETRY_BATCH)
        .for('update', { skipLocked: true });
      if (due.length === 0) break;
      after = due[due.length - 1]!.id;
      requested += await this.chargeAgain(tx, tenantId, due, asOf);
      if (due.length < RETRY_BATCH) break;
    }
    return requested;
  }

  /**
   * Records that the tenant was paid outside the provider (bank transfer,
   * cheque). Idempotent by key: a retry with the same key and invoice returns
   * the same invoice without paying it twice.
   */
  payInvoiceOutOfBand(actor: Identity, invoiceId: string, idempotencyKey?: string | null): Promise<InvoiceRow> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      const { result } = await idempotent(tx, { tenantId, key: idempotencyKey, operation: 'payInvoiceOutOfBand', input: { invoiceId }, now }, async () => {
        const [invoice] = isUuid(invoiceId) ? await tx.select().from(b.invoices).where(eq(b.invoices.id, invoiceId)).for('update') : [];
        if (!invoice) throw new NotFoundError('Invoice', invoiceId);
        if (!PAYABLE_INVOICE_STATUSES.includes(invoice.status)) {
          throw new InvalidStateError(`Invoice ${invoice.number ?? invoice.id} is ${invoice.status}; only an OPEN or UNCOLLECTIBLE invoice can be paid`);
        }
        await markPaidOutOfBand(tx, invoice, now, actor.userId);
        return { invoiceId: invoice.id };
      });
      const [row] = await tx.select().from(b.invoices).where(eq(b.invoices.id, result.invoiceId as string));
      return row!;
    });
  }

  private async applyEvent(tx: Tx, settings: BillingSettings, event: VerifiedWebhookEvent, now: Date): Promise<Applied> {
    switch (event.type) {
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed':
        return this.applyPaymentOutcome(tx, settings, event.data.object, event.type === 'payment_intent.succeeded', now);
      default:
        return { outcome: 'IGNORED', detail: `${event.type} events are not handled` };
    }
  }

  private async applyPaymentOutcome(tx: Tx, settings: BillingSettings, object: Record<string, unknown>, succeeded: boolean, now: Date): Promise<Applied> {
    const intent = parsePaymentIntent(object);
    if (typeof intent === 'string') return { outcome: 'REJECTED', detail: intent };
    const match = await findPayment(tx, intent);
    if (!match) return { outcome: 'REJECTED', detail: `no payment matches ${intent.id}${intent.invoiceId ? ` or invoice ${intent.invoiceId}` : ''}` };
    // Invoice before payment, the order every writer of both takes their locks in.
    const [invoice] = await tx.select().from(b.invoices).where(eq(b.invoices.id, match.invoiceId)).for('update');
    const [payment] = await tx.select().from(b.payments).where(eq(b.payments.id, match.id)).for('update');
    if (!invoice || !payment) return { outcome: 'REJECTED', detail: `payment ${intent.id} has no invoice` };
    // A failed charge can still succeed later (the customer fixes the card); nothing else changes a settled one.
    if (payment.status === 'SUCCEEDED' || (payment.status === 'FAILED' && !succeeded)) {
      return { outcome: 'IGNORED', detail: `payment ${payment.providerPaymentId} is already ${payment.status}` };
    }
    if (!PAYABLE_INVOICE_STATUSES.includes(invoice.status)) {
      return succeeded
        ? { outcome: 'REJECTED', detail: `invoice ${invoice.number ?? invoice.id} is ${invoice.status}: the charge ${intent.id} must be refunded at the provider` }
        : { outcome: 'IGNORED', detail: `invoice ${invoice.number ?? invoice.id} is ${invoice.status}; nothing left to collect` };
    }
    if (intent.amountMinor !== invoice.amountDueMinor || intent.currency !== invoice.currency) {
      return {
        outcome: 'REJECTED',
        detail: `${intent.amountMinor} ${intent.currency} does not match the amount due on invoice ${invoice.number ?? invoice.id} (${invoice.amountDueMinor} ${invoice.currency})`,
      };
    }
    if (succeeded) {
      await tx.update(b.payments).set({ status: 'SUCCEEDED', settledAt: now, failureCode: null, failureMessage: null }).where(eq(b.payments.id, payment.id));
      await markInvoicePaid(tx, invoice, { amountMinor: intent.amountMinor, at: now, reason: 'payment_succeeded' });
      return { outcome: 'APPLIED', detail: null };
    }
    return this.recordFailure(tx, settings, invoice, payment, intent, now);
  }

  /** A failed charge: the dunning schedule's next retry, `payment.failed@1`, and the subscription's status. */
  private async recordFailure(tx: Tx, settings: BillingSettings, invoice: InvoiceRow, payment: PaymentRow, intent: PaymentIntent, now: Date): Promise<Applied> {
    await tx
      .update(b.payments)
      .set({ status: 'FAILED', failureCode: intent.failureCode, failureMessage: intent.failureMessage, settledAt: now })
      .where(eq(b.payments.id, payment.id));
    // The failure of an attempt a newer one replaced (or of a write-off's last charge) schedules nothing.
    if (invoice.status !== 'OPEN' || payment.attempt < invoice.attemptCount) {
      return { outcome: 'APPLIED', detail: `attempt ${payment.attempt} failed; the invoice is ${invoice.status} at attempt ${invoice.attemptCount}` };
    }
    const firstFailedAt = invoice.firstFailedAt ?? now;
    const retryAt = nextRetryAt(firstFailedAt, payment.attempt, settings.dunningRetryDays);
    const [updated] = await tx
      .update(b.invoices)
      .set({ firstFailedAt, nextPaymentAttemptAt: retryAt, updatedAt: now })
      .where(eq(b.invoices.id, invoice.id))
      .returning();
    await emit(tx, invoice.tenantId, {
      type: 'payment.failed@1',
      aggregate: { type: 'invoice', id: invoice.id },
      payload: {
        customerId: invoice.customerId,
        invoiceId: invoice.id,
        paymentId: payment.providerPaymentId,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        attempt: payment.attempt,
        failureCode: intent.failureCode,
        failedAt: now.toISOString(),
        nextRetryAt: retryAt?.toISOString() ?? null,
      },
    });
    const exhausted = retryAt === null;
    const finalAction = settings.dunningFinalAction as DunningFinalAction;
    if (invoice.subscriptionId) await dunSubscription(tx, invoice.subscriptionId, exhausted ? finalAction : null, now);
    if (exhausted && finalAction === 'CANCEL') {
      await transitionInvoice(tx, updated!, 'UNCOLLECTIBLE', now, { markedUncollectibleAt: now, nextPaymentAttemptAt: null });
    }
    return { outcome: 'APPLIED', detail: exhausted ? `retries exhausted: ${finalAction}` : null };
  }

  /** Requests the next charge of each invoice, then records them all in two statements. */
  private async chargeAgain(tx: Tx, tenantId: string, invoices: InvoiceRow[], asOf: Date): Promise<number> {
    const provider = this.deps.paymentProvider;
    const outcomes = await Promise.allSettled(
      invoices.map((inv) =>
        provider.requestCharge({
          tenantId,
          invoiceId: inv.id,
          customerId: inv.customerId,
          amountMinor: inv.amountDueMinor,
          currency: inv.currency,
          attempt: inv.attemptCount + 1,
          idempotencyKey: `${inv.id}:${inv.attemptCount + 1}`,
        }),
      ),
    );
    // A charge the provider did not take stays due: the next run asks again with the same idempotency key.
    const charged = invoices.flatMap((inv, i) => {
      const outcome = outcomes[i]!;
      if (outcome.status === 'fulfilled') return [{ inv, providerPaymentId: outcome.value.providerPaymentId }];
      this.deps.logger?.warn({ err: outcome.reason, tenantId, invoiceId: inv.id }, 'payment retry could not be requested');
      return [];
    });
    if (charged.length === 0) return 0;
    await tx
      .update(b.invoices)
      .set({ attemptCount: sql`${b.invoices.attemptCount} + 1`, nextPaymentAttemptAt: null, updatedAt: asOf })
      .where(inArray(b.invoices.id, charged.map((c) => c.inv.id)));
    await tx.insert(b.payments).values(
      charged.map(({ inv, providerPaymentId }) => ({
        tenantId,
        invoiceId: inv.id,
        provider: provider.name,
        providerPaymentId,
        attempt: inv.attemptCount + 1,
        status: 'PENDING',
        amountMinor: inv.amountDueMinor,
        currency: inv.currency,
        createdAt: asOf,
      })),
    );
    return charged.length;
  }
}

/** The charge a PaymentIntent reports: by the provider's id, else the invoice named in its metadata. */
async function findPayment(tx: Tx, intent: PaymentIntent): Promise<{ id: string; invoiceId: string } | null> {
  const columns = { id: b.payments.id, invoiceId: b.payments.invoiceId };
  const [byId] = await tx.select(columns).from(b.payments).where(eq(b.payments.providerPaymentId, intent.id));
  if (byId) return byId;
  if (!intent.invoiceId || !isUuid(intent.invoiceId)) return null;
  const [latest] = await tx
    .select(columns)
    .from(b.payments)
    .where(
      and(
        eq(b.payments.invoiceId, intent.invoiceId),
        ne(b.payments.provider, OUT_OF_BAND_PROVIDER),
        intent.attempt === null ? undefined : eq(b.payments.attempt, intent.attempt),
      ),
    )
    .orderBy(desc(b.payments.attempt))
    .limit(1);
  return latest ?? null;
}

/** The fields billing needs from `data.object`, or why they are unusable. */
function parsePaymentIntent(object: Record<string, unknown>): PaymentIntent | string {
  if (object.object !== undefined && object.object !== 'payment_intent') return `data.object is a ${String(object.object)}, not a payment_intent`;
  const { id, amount, currency } = object;
  if (typeof id !== 'string' || id.length < 1 || id.length > 255) return 'data.object.id must be the PaymentIntent id';
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) return 'data.object.amount must be a whole number of minor units';
  if (typeof currency !== 'string' || !/^[a-zA-Z]{3}$/.test(currency)) return 'data.object.currency must be a three-letter currency code';
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const attempt = Number(metadata.attempt);
  const error = isRecord(object.last_payment_error) ? object.last_payment_error : {};
  const code = typeof error.code === 'string' ? error.code : typeof error.decline_code === 'string' ? error.decline_code : null;
  return {
    id,
    amountMinor: amount,
    currency: currency.toUpperCase(),
    invoiceId: typeof metadata.invoice_id === 'string' ? metadata.invoice_id : null,
    attempt: metadata.attempt != null && Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : null,
    failureCode: code?.slice(0, 100) ?? null,
    failureMessage: typeof error.message === 'string' ? error.message.slice(0, MAX_FAILURE_MESSAGE) : null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
