/**
 * Payments and dunning: a succeeded charge pays the invoice, announces
 * `invoice.paid@1` and brings a dunned subscription back to ACTIVE; a failed
 * one makes the subscription PAST_DUE, announces `payment.failed@1` and
 * schedules retries 3, 5 and 7 days after the first failure; when they run
 * out the tenant's final action marks the subscription UNPAID or cancels it
 * (and writes the invoice off). Paying out of band is idempotent by key.
 */
import { ConflictError, InvalidStateError, NotFoundError } from '@platform/core';
import { billingTables as b } from '@platform/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentService } from '../src/services/payment.service.js';
import type { ChargeRequest } from '../src/services/payment-provider.js';
import { loadSettings } from '../src/services/settings.service.js';
import { chargedInvoice, intentEvent, invoice, payloads, payments, postWebhook, settleLatest, statusLedger, subscription } from './payment-fixtures.js';
import { type BillingHarness, DAY, startBilling, type TestTenant } from './support.js';

let h: BillingHarness;

beforeAll(async () => {
  h = await startBilling();
});
afterAll(async () => {
  await h?.close();
});

/** A tenant with a webhook secret (and, optionally, its dunning settings changed). */
async function tenantWithSecret(settings: Parameters<BillingHarness['services']['settings']['update']>[1] = {}): Promise<{ t: TestTenant; secret: string }> {
  const t = h.tenant();
  const secret = await h.services.settings.rotateWebhookSecret(t.owner);
  if (Object.keys(settings).length > 0) await h.services.settings.update(t.owner, settings);
  return { t, secret };
}

function retryDue(tenantId: string, payments = h.services.payments) {
  return h.asTenant(tenantId, async (tx) => payments.retryDuePayments(tx, tenantId, h.clock.now, await loadSettings(tx, tenantId)));
}

describe('a succeeded charge', () => {
  it('pays the invoice and announces invoice.paid@1 with the amount, currency and dates', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId);
    h.clock.advance(60_000);
    const response = await settleLatest(h, charged, secret, 'payment_intent.succeeded');

    expect(response).toEqual({ status: 200, body: { received: true, outcome: 'APPLIED' } });
    const paid = await invoice(h, t.tenantId, charged.invoiceId);
    expect(paid).toMatchObject({ status: 'PAID', amountPaidMinor: 1_000, amountDueMinor: 0, paidAt: h.clock.now, nextPaymentAttemptAt: null });
    expect(await payments(h, t.tenantId, charged.invoiceId)).toMatchObject([{ attempt: 1, status: 'SUCCEEDED', settledAt: h.clock.now }]);
    const events = await h.outbox(t.tenantId, 'invoice.paid@1');
    expect(events.map((e) => e.payload)).toEqual([
      { customerId: charged.customerId, invoiceId: charged.invoiceId, amountMinor: 1_000, currency: 'USD', paidAt: h.clock.now.toISOString(), dueAt: paid.dueAt!.toISOString() },
    ]);
    // An ACTIVE subscription has nothing to recover from.
    expect(await statusLedger(h, t.tenantId, charged.subscriptionId)).toEqual([]);
  });

  it('brings a PAST_DUE subscription back to ACTIVE once its retry succeeds', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
    expect((await subscription(h, t.tenantId, charged.subscriptionId)).status).toBe('PAST_DUE');
    h.clock.advance(3 * DAY);
    expect(await retryDue(t.tenantId)).toBe(1);
    await settleLatest(h, charged, secret, 'payment_intent.succeeded');

    expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ status: 'PAID', attemptCount: 2, nextPaymentAttemptAt: null });
    const sub = await subscription(h, t.tenantId, charged.subscriptionId);
    expect(sub).toMatchObject({ status: 'ACTIVE', mrrMinor: 1_000 });
    expect(await statusLedger(h, t.tenantId, charged.subscriptionId)).toEqual(['ACTIVE→PAST_DUE:payment_failed', 'PAST_DUE→ACTIVE:payment_succeeded']);
    const moves = (await payloads(h, t.tenantId, 'subscription.status_changed@1')).map((p) => `${p.from}→${p.to}`);
    expect(moves).toEqual(['ACTIVE→PAST_DUE', 'PAST_DUE→ACTIVE']);
  });

  it('keeps the subscription PAST_DUE while another of its invoices is still in dunning', async () => {
    const { t, secret } = await tenantWithSecret();
    const first = await chargedInvoice(h, t.tenantId);
    const second = await chargedInvoice(h, t.tenantId, {
      customerId: first.customerId,
      subscriptionId: first.subscriptionId,
      periodStart: new Date(h.clock.now.getTime() + 31 * DAY),
    });
    await settleLatest(h, first, secret, 'payment_intent.payment_failed');
    await settleLatest(h, second, secret, 'payment_intent.payment_failed');
    // The first failure's retry is due after 3 days; the second's too (both failed now).
    h.clock.advance(3 * DAY);
    expect(await retryDue(t.tenantId)).toBe(2);
    await settleLatest(h, first, secret, 'payment_intent.succeeded');
    expect((await subscription(h, t.tenantId, first.subscriptionId)).status).toBe('PAST_DUE');
    await settleLatest(h, second, secret, 'payment_intent.succeeded');
    expect((await subscription(h, t.tenantId, first.subscriptionId)).status).toBe('ACTIVE');
  });

  it('completes an INCOMPLETE subscription, which a failed first charge leaves INCOMPLETE', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId, { status: 'INCOMPLETE' });
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
    expect((await subscription(h, t.tenantId, charged.subscriptionId)).status).toBe('INCOMPLETE');
    h.clock.advance(3 * DAY);
    await retryDue(t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.succeeded');
    expect((await subscription(h, t.tenantId, charged.subscriptionId)).status).toBe('ACTIVE');
    expect(await statusLedger(h, t.tenantId, charged.subscriptionId)).toEqual(['INCOMPLETE→ACTIVE:payment_succeeded']);
  });

  it('of a charge reported failed before (the customer fixed the card) still pays the invoice', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
    const late = await postWebhook(h, t.tenantId, intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: 1_000 }), secret);
    expect(late.body).toEqual({ received: true, outcome: 'APPLIED' });
    expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ status: 'PAID', nextPaymentAttemptAt: null });
    expect(await payments(h, t.tenantId, charged.invoiceId)).toMatchObject([{ status: 'SUCCEEDED', failureCode: null }]);
    expect((await subscription(h, t.tenantId, charged.subscriptionId)).status).toBe('ACTIVE');
  });
});

describe('a failed charge', () => {
  it('makes the subscription PAST_DUE and announces payment.failed@1 with the retry 3 days later', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId);
    const failedAt = h.clock.now;
    const response = await settleLatest(h, charged, secret, 'payment_intent.payment_failed');

    expect(response.body).toEqual({ received: true, outcome: 'APPLIED' });
    const retryAt = new Date(failedAt.getTime() + 3 * DAY);
    expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ status: 'OPEN', attemptCount: 1, firstFailedAt: failedAt, nextPaymentAttemptAt: retryAt });
    expect(await payments(h, t.tenantId, charged.invoiceId)).toMatchObject([
      { status: 'FAILED', failureCode: 'card_declined', failureMessage: 'Your card has insufficient funds.', settledAt: failedAt },
    ]);
    expect((await h.outbox(t.tenantId, 'payment.failed@1')).map((e) => e.payload)).toEqual([
      {
        customerId: charged.customerId,
        invoiceId: charged.invoiceId,
        paymentId: charged.providerPaymentId,
        amountMinor: 1_000,
        currency: 'USD',
        attempt: 1,
        failureCode: 'card_declined',
        failedAt: failedAt.toISOString(),
        nextRetryAt: retryAt.toISOString(),
      },
    ]);
    const sub = await subscription(h, t.tenantId, charged.subscriptionId);
    expect(sub.status).toBe('PAST_DUE');
    // PAST_DUE still counts as recurring revenue until dunning gives up.
    expect(sub.mrrMinor).toBe(1_000);
  });

  it('is retried 3, 5 and 7 days after the first failure with one idempotency key per attempt, then marks the subscription UNPAID', async () => {
    const { t, secret } = await tenantWithSecret();
    const requests: ChargeRequest[] = [];
    const recording = new PaymentService({
      ...h.deps,
      paymentProvider: {
        name: 'sandbox',
        requestCharge: async (request) => {
          requests.push(request);
          return h.deps.paymentProvider.requestCharge(request);
        },
      },
    });
    const start = h.clock.now;
    const charged = await chargedInvoice(h, t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
    const nextRetries: (string | null)[] = [];
    for (const day of [3, 5, 7]) {
      h.clock.advance(new Date(start.getTime() + day * DAY - 1).getTime() - h.clock.now.getTime());
      expect(await retryDue(t.tenantId, recording), `nothing is due just before day ${day}`).toBe(0);
      h.clock.advance(1);
      expect(await retryDue(t.tenantId, recording), `the retry of day ${day}`).toBe(1);
      expect(await retryDue(t.tenantId, recording), 'a retry is requested once').toBe(0);
      expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ nextPaymentAttemptAt: null });
      await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
      nextRetries.push((await invoice(h, t.tenantId, charged.invoiceId)).nextPaymentAttemptAt?.toISOString() ?? null);
    }

    expect(requests.map((r) => [r.attempt, r.idempotencyKey, r.amountMinor, r.currency])).toEqual([
      [2, `${charged.invoiceId}:2`, 1_000, 'USD'],
      [3, `${charged.invoiceId}:3`, 1_000, 'USD'],
      [4, `${charged.invoiceId}:4`, 1_000, 'USD'],
    ]);
    expect(nextRetries).toEqual([new Date(start.getTime() + 5 * DAY).toISOString(), new Date(start.getTime() + 7 * DAY).toISOString(), null]);
    expect((await payments(h, t.tenantId, charged.invoiceId)).map((p) => `${p.attempt}:${p.status}`)).toEqual(['1:FAILED', '2:FAILED', '3:FAILED', '4:FAILED']);
    expect((await payloads(h, t.tenantId, 'payment.failed@1')).map((p) => [p.attempt, p.nextRetryAt])).toEqual([
      [1, new Date(start.getTime() + 3 * DAY).toISOString()],
      [2, new Date(start.getTime() + 5 * DAY).toISOString()],
      [3, new Date(start.getTime() + 7 * DAY).toISOString()],
      [4, null],
    ]);
    // UNPAID: the invoice stays OPEN (it can still be paid) and nothing more is retried.
    expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ status: 'OPEN', attemptCount: 4, nextPaymentAttemptAt: null });
    expect(await subscription(h, t.tenantId, charged.subscriptionId)).toMatchObject({ status: 'UNPAID', mrrMinor: 0 });
    expect(await statusLedger(h, t.tenantId, charged.subscriptionId)).toEqual(['ACTIVE→PAST_DUE:payment_failed', 'PAST_DUE→UNPAID:dunning_exhausted']);
    h.clock.advance(30 * DAY);
    expect(await retryDue(t.tenantId, recording)).toBe(0);
  });

  it('with the final action CANCEL cancels the subscription and writes the invoice off when retries run out', async () => {
    const { t, secret } = await tenantWithSecret({ dunningRetryDays: [2], dunningFinalAction: 'CANCEL' });
    const charged = await chargedInvoice(h, t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
    h.clock.advance(2 * DAY);
    expect(await retryDue(t.tenantId)).toBe(1);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');

    const now = h.clock.now;
    expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ status: 'UNCOLLECTIBLE', markedUncollectibleAt: now, nextPaymentAttemptAt: null });
    expect(await subscription(h, t.tenantId, charged.subscriptionId)).toMatchObject({ status: 'CANCELED', canceledAt: now, endedAt: now, mrrMinor: 0 });
    expect(await statusLedger(h, t.tenantId, charged.subscriptionId)).toEqual(['ACTIVE→PAST_DUE:payment_failed', 'PAST_DUE→CANCELED:dunning_exhausted']);
    const invoiceMoves = (await payloads(h, t.tenantId, 'invoice.status_changed@1')).map((p) => `${p.from}→${p.to}`);
    expect(invoiceMoves).toEqual(['null→DRAFT', 'DRAFT→OPEN', 'OPEN→UNCOLLECTIBLE']);
  });

  it('with no retries configured applies the final action at the first failure', async () => {
    const { t, secret } = await tenantWithSecret({ dunningRetryDays: [] });
    const charged = await chargedInvoice(h, t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
    expect(await subscription(h, t.tenantId, charged.subscriptionId)).toMatchObject({ status: 'UNPAID' });
    expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ status: 'OPEN', nextPaymentAttemptAt: null });
  });
});

describe('payInvoiceOutOfBand', () => {
  it('pays the invoice once per idempotency key: the same key replays, another invoice under it is a CONFLICT', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');

    const paid = await h.services.payments.payInvoiceOutOfBand(t.owner, charged.invoiceId, 'pay-1');
    expect(paid).toMatchObject({ id: charged.invoiceId, status: 'PAID', amountPaidMinor: 1_000, amountDueMinor: 0, nextPaymentAttemptAt: null });
    const again = await h.services.payments.payInvoiceOutOfBand(t.owner, charged.invoiceId, 'pay-1');
    expect(again).toEqual(paid);
    expect(await h.outbox(t.tenantId, 'invoice.paid@1')).toHaveLength(1);
    const rows = await payments(h, t.tenantId, charged.invoiceId);
    expect(rows.map((p) => `${p.attempt}:${p.provider}:${p.status}`)).toEqual(['1:sandbox:FAILED', '2:out_of_band:SUCCEEDED']);
    const sub = await subscription(h, t.tenantId, charged.subscriptionId);
    expect(sub.status).toBe('ACTIVE');
    expect(await statusLedger(h, t.tenantId, charged.subscriptionId)).toEqual(['ACTIVE→PAST_DUE:payment_failed', 'PAST_DUE→ACTIVE:paid_out_of_band']);

    const other = await chargedInvoice(h, t.tenantId);
    await expect(h.services.payments.payInvoiceOutOfBand(t.owner, other.invoiceId, 'pay-1')).rejects.toBeInstanceOf(ConflictError);
    expect((await invoice(h, t.tenantId, other.invoiceId)).status).toBe('OPEN');
  });

  it('is NOT_FOUND for an unknown id, a malformed one and another tenant’s invoice', async () => {
    const { t } = await tenantWithSecret();
    const stranger = h.tenant();
    const theirs = await chargedInvoice(h, stranger.tenantId);
    for (const id of [crypto.randomUUID(), 'not-a-uuid', theirs.invoiceId]) {
      await expect(h.services.payments.payInvoiceOutOfBand(t.owner, id, null)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect((await invoice(h, stranger.tenantId, theirs.invoiceId)).status).toBe('OPEN');
  });

  it('refuses DRAFT, VOID and PAID invoices with INVALID_STATE', async () => {
    const { t } = await tenantWithSecret({ autoFinalize: false });
    const draft = await chargedInvoice(h, t.tenantId);
    expect((await invoice(h, t.tenantId, draft.invoiceId)).status).toBe('DRAFT');
    await expect(h.services.payments.payInvoiceOutOfBand(t.owner, draft.invoiceId)).rejects.toBeInstanceOf(InvalidStateError);

    const voided = await chargedInvoice(h, t.tenantId);
    await h.asTenant(t.tenantId, (tx) => tx.update(b.invoices).set({ status: 'VOID', voidedAt: h.clock.now }).where(eq(b.invoices.id, voided.invoiceId)));
    await expect(h.services.payments.payInvoiceOutOfBand(t.owner, voided.invoiceId)).rejects.toBeInstanceOf(InvalidStateError);

    const { t: t2 } = await tenantWithSecret();
    const open = await chargedInvoice(h, t2.tenantId);
    await h.services.payments.payInvoiceOutOfBand(t2.owner, open.invoiceId);
    await expect(h.services.payments.payInvoiceOutOfBand(t2.owner, open.invoiceId)).rejects.toThrow(/is PAID/);
    expect(await h.outbox(t2.tenantId, 'invoice.paid@1')).toHaveLength(1);
  });

  it('leaves a later provider success for the same invoice REJECTED, so the customer is not counted as paying twice', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId);
    await h.services.payments.payInvoiceOutOfBand(t.owner, charged.invoiceId);
    // The provider's own charge, still pending when the money arrived another way, now succeeds too.
    const late = await postWebhook(h, t.tenantId, intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: 1_000 }), secret);
    expect(late.body).toEqual({ received: true, outcome: 'REJECTED' });
    expect((await invoice(h, t.tenantId, charged.invoiceId)).amountPaidMinor).toBe(1_000);
    expect(await h.outbox(t.tenantId, 'invoice.paid@1')).toHaveLength(1);
  });
});

describe('retryDuePayments', () => {
  it('charges every due invoice of the tenant in batches and skips those not yet due', async () => {
    const { t, secret } = await tenantWithSecret();
    const customerId = await h.customer(t.tenantId);
    const due = [] as string[];
    for (let i = 0; i < 3; i++) {
      const charged = await chargedInvoice(h, t.tenantId, { customerId });
      await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
      due.push(charged.invoiceId);
    }
    h.clock.advance(DAY);
    const later = await chargedInvoice(h, t.tenantId, { customerId });
    await settleLatest(h, later, secret, 'payment_intent.payment_failed');
    h.clock.advance(2 * DAY);
    expect(await retryDue(t.tenantId)).toBe(3);
    for (const id of due) expect((await payments(h, t.tenantId, id)).map((p) => p.status)).toEqual(['FAILED', 'PENDING']);
    expect((await payments(h, t.tenantId, later.invoiceId)).map((p) => p.status)).toEqual(['FAILED']);
  });

  it('leaves an invoice due when the provider refuses the request, and asks again next time', async () => {
    const { t, secret } = await tenantWithSecret();
    const charged = await chargedInvoice(h, t.tenantId);
    await settleLatest(h, charged, secret, 'payment_intent.payment_failed');
    h.clock.advance(3 * DAY);
    const down = new PaymentService({
      ...h.deps,
      paymentProvider: {
        name: 'sandbox',
        requestCharge: async () => {
          throw new Error('provider unavailable');
        },
      },
    });
    expect(await retryDue(t.tenantId, down)).toBe(0);
    expect(await invoice(h, t.tenantId, charged.invoiceId)).toMatchObject({ attemptCount: 1, nextPaymentAttemptAt: new Date(h.clock.now.getTime()) });
    expect(await retryDue(t.tenantId)).toBe(1);
  });
});
