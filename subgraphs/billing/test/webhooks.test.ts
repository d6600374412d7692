/**
 * The payment provider's webhooks: only authentic, fresh events (signed with
 * the tenant's current or previous secret, at most 300 s old) are accepted,
 * and a refused one stores nothing; an accepted one is stored once by event
 * id, so replays (even concurrent ones) change nothing; events billing cannot
 * apply (unknown charge, wrong amount, another tenant's charge) are stored
 * REJECTED and answered 200; other event types are IGNORED. The route serves
 * all this over HTTP without ever leaking an internal error.
 */
import { createLogger, type Logger, listenSubgraph } from '@platform/core';
import { billingTables as b } from '@platform/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookRoute } from '../src/http/webhook-route.js';
import { signWebhookPayload } from '../src/http/webhook-signature.js';
import type { PaymentService } from '../src/services/payment.service.js';
import { type ChargedInvoice, chargedInvoice, intentEvent, invoice, payments, postWebhook, webhookEvents } from './payment-fixtures.js';
import { type BillingHarness, startBilling, type TestTenant } from './support.js';

let h: BillingHarness;

beforeAll(async () => {
  h = await startBilling();
});
afterAll(async () => {
  await h?.close();
});

async function setup(): Promise<{ t: TestTenant; secret: string; charged: ChargedInvoice; succeeded: string }> {
  const t = h.tenant();
  const secret = await h.services.settings.rotateWebhookSecret(t.owner);
  const charged = await chargedInvoice(h, t.tenantId);
  const succeeded = intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor, invoiceId: charged.invoiceId });
  return { t, secret, charged, succeeded };
}

/** Nothing was stored or changed: no webhook row, the charge still PENDING, the invoice OPEN, no invoice.paid@1. */
async function expectUntouched(charged: ChargedInvoice) {
  expect(await webhookEvents(h, charged.tenantId)).toEqual([]);
  expect((await payments(h, charged.tenantId, charged.invoiceId)).map((p) => p.status)).toEqual(['PENDING']);
  expect(await invoice(h, charged.tenantId, charged.invoiceId)).toMatchObject({ status: 'OPEN', amountDueMinor: charged.amountMinor, amountPaidMinor: 0 });
  expect(await h.outbox(charged.tenantId, 'invoice.paid@1')).toEqual([]);
}

describe('signature', () => {
  it.each([
    ['a missing header', () => undefined, 'MISSING_HEADER'],
    ['a malformed header', () => 'v1=abc', 'MALFORMED_HEADER'],
    ['a signature made with another secret', (body: string) => signWebhookPayload(body, 'whsec_not_the_tenants', h.clock.now), 'BAD_SIGNATURE'],
    ['a signature 301 s old', (body: string, secret: string) => signWebhookPayload(body, secret, new Date(h.clock.now.getTime() - 301_000)), 'STALE_TIMESTAMP'],
    ['a signature 301 s in the future', (body: string, secret: string) => signWebhookPayload(body, secret, new Date(h.clock.now.getTime() + 301_000)), 'STALE_TIMESTAMP'],
  ])('refuses %s with 400 and stores nothing', async (_name, header, reason) => {
    const { secret, charged, succeeded } = await setup();
    const response = await h.services.payments.handleWebhook(charged.tenantId, Buffer.from(succeeded), header(succeeded, secret));
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID', reason } } });
    await expectUntouched(charged);
  });

  it('refuses a body changed after signing (a higher amount) with 400', async () => {
    const { secret, charged, succeeded } = await setup();
    const header = signWebhookPayload(succeeded, secret, h.clock.now);
    const tampered = succeeded.replace(`"amount":${charged.amountMinor}`, `"amount":${charged.amountMinor * 100}`);
    expect(tampered).not.toBe(succeeded);
    const response = await h.services.payments.handleWebhook(charged.tenantId, Buffer.from(tampered), header);
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID', reason: 'BAD_SIGNATURE' } } });
    await expectUntouched(charged);
  });

  it('accepts a signature exactly 300 s old', async () => {
    const { secret, charged, succeeded } = await setup();
    const response = await postWebhook(h, charged.tenantId, succeeded, secret, new Date(h.clock.now.getTime() - 300_000));
    expect(response).toEqual({ status: 200, body: { received: true, outcome: 'APPLIED' } });
  });

  it('keeps verifying with the previous secret after a rotation, but not with the one before it', async () => {
    const { t, secret: first, charged } = await setup();
    const second = await h.services.settings.rotateWebhookSecret(t.owner);
    const third = await h.services.settings.rotateWebhookSecret(t.owner);
    const byFirst = intentEvent({ type: 'customer.created', providerPaymentId: 'pi_x', amountMinor: 1 });
    expect((await postWebhook(h, t.tenantId, byFirst, first)).status).toBe(400);
    expect((await postWebhook(h, t.tenantId, intentEvent({ type: 'customer.created', providerPaymentId: 'pi_x', amountMinor: 1 }), third)).status).toBe(200);
    const bySecond = intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor });
    expect(await postWebhook(h, t.tenantId, bySecond, second)).toEqual({ status: 200, body: { received: true, outcome: 'APPLIED' } });
    expect((await invoice(h, t.tenantId, charged.invoiceId)).status).toBe('PAID');
  });

  it('answers 400 WEBHOOK_NOT_CONFIGURED when the tenant has no secret, without creating its settings', async () => {
    const t = h.tenant();
    const body = intentEvent({ providerPaymentId: 'pi_x', amountMinor: 1 });
    const response = await h.services.payments.handleWebhook(t.tenantId, Buffer.from(body), signWebhookPayload(body, 'whsec_guess', h.clock.now));
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_NOT_CONFIGURED' } } });
    expect(await h.asTenant(t.tenantId, (tx) => tx.select().from(b.settings))).toEqual([]);
  });

  it('answers 404 for a tenant id that is not a uuid', async () => {
    const response = await h.services.payments.handleWebhook('acme', Buffer.from('{}'), 't=1,v1=00');
    expect(response.status).toBe(404);
  });
});

describe('deduplication', () => {
  it('answers a replayed event id as a duplicate and changes nothing', async () => {
    const { secret, charged, succeeded } = await setup();
    expect((await postWebhook(h, charged.tenantId, succeeded, secret)).body).toEqual({ received: true, outcome: 'APPLIED' });
    h.clock.advance(60_000);
    expect(await postWebhook(h, charged.tenantId, succeeded, secret)).toEqual({ status: 200, body: { received: true, duplicate: true } });

    expect(await h.outbox(charged.tenantId, 'invoice.paid@1')).toHaveLength(1);
    expect(await payments(h, charged.tenantId, charged.invoiceId)).toHaveLength(1);
    const stored = await webhookEvents(h, charged.tenantId);
    expect(stored).toMatchObject([{ type: 'payment_intent.succeeded', outcome: 'APPLIED', detail: null }]);
    expect(stored[0]!.payload).toEqual(JSON.parse(succeeded));
  });

  it('ignores the same outcome under a new event id, without counting the payment twice', async () => {
    const { secret, charged, succeeded } = await setup();
    await postWebhook(h, charged.tenantId, succeeded, secret);
    const again = intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor });
    expect((await postWebhook(h, charged.tenantId, again, secret)).body).toEqual({ received: true, outcome: 'IGNORED' });
    // A failure reported after the success (out of order) is ignored too.
    const failed = intentEvent({ type: 'payment_intent.payment_failed', providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor });
    expect((await postWebhook(h, charged.tenantId, failed, secret)).body).toEqual({ received: true, outcome: 'IGNORED' });

    expect(await invoice(h, charged.tenantId, charged.invoiceId)).toMatchObject({ status: 'PAID', amountPaidMinor: charged.amountMinor });
    expect(await h.outbox(charged.tenantId, 'invoice.paid@1')).toHaveLength(1);
    expect(await h.outbox(charged.tenantId, 'payment.failed@1')).toHaveLength(0);
    expect((await webhookEvents(h, charged.tenantId)).map((e) => e.outcome).sort()).toEqual(['APPLIED', 'IGNORED', 'IGNORED']);
  });

  it('applies exactly one of two concurrent deliveries of the same event', async () => {
    const { secret, charged, succeeded } = await setup();
    const responses = await Promise.all([postWebhook(h, charged.tenantId, succeeded, secret), postWebhook(h, charged.tenantId, succeeded, secret)]);
    expect(responses.map((r) => r.body).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { received: true, duplicate: true },
      { received: true, outcome: 'APPLIED' },
    ]);
    expect(await h.outbox(charged.tenantId, 'invoice.paid@1')).toHaveLength(1);
    expect(await webhookEvents(h, charged.tenantId)).toHaveLength(1);
  });

  it('applies exactly one of two concurrent events (different ids) reporting the same success', async () => {
    const { secret, charged } = await setup();
    const events = [0, 1].map(() => intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor }));
    const responses = await Promise.all(events.map((body) => postWebhook(h, charged.tenantId, body, secret)));
    expect(responses.map((r) => (r.body as { outcome: string }).outcome).sort()).toEqual(['APPLIED', 'IGNORED']);
    expect(await invoice(h, charged.tenantId, charged.invoiceId)).toMatchObject({ amountPaidMinor: charged.amountMinor });
    expect(await h.outbox(charged.tenantId, 'invoice.paid@1')).toHaveLength(1);
  });
});

describe('events billing does not apply', () => {
  it.each([
    ['an amount other than the amount due', { amountMinor: 999 }, /999 USD does not match the amount due .* \(1000 USD\)/],
    ['another currency', { currency: 'eur' }, /1000 EUR does not match/],
  ])('stores %s REJECTED, answers 200 and leaves the invoice unpaid', async (_name, change, detail) => {
    const { secret, charged } = await setup();
    const body = intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor, ...change });
    expect(await postWebhook(h, charged.tenantId, body, secret)).toEqual({ status: 200, body: { received: true, outcome: 'REJECTED' } });
    const [stored] = await webhookEvents(h, charged.tenantId);
    expect(stored).toMatchObject({ outcome: 'REJECTED' });
    expect(stored!.detail).toMatch(detail);
    expect((await payments(h, charged.tenantId, charged.invoiceId)).map((p) => p.status)).toEqual(['PENDING']);
    expect(await invoice(h, charged.tenantId, charged.invoiceId)).toMatchObject({ status: 'OPEN', amountPaidMinor: 0 });
    expect(await h.outbox(charged.tenantId, 'invoice.paid@1')).toEqual([]);
  });

  it('stores a charge it does not know REJECTED', async () => {
    const { secret, charged } = await setup();
    const body = intentEvent({ providerPaymentId: 'pi_unknown', amountMinor: charged.amountMinor, invoiceId: crypto.randomUUID() });
    expect((await postWebhook(h, charged.tenantId, body, secret)).body).toEqual({ received: true, outcome: 'REJECTED' });
    expect((await webhookEvents(h, charged.tenantId))[0]!.detail).toMatch(/no payment matches pi_unknown/);
  });

  it('finds the charge by the invoice in its metadata when the provider id is not one billing issued', async () => {
    const { secret, charged } = await setup();
    const body = intentEvent({ providerPaymentId: 'pi_from_elsewhere', amountMinor: charged.amountMinor, invoiceId: charged.invoiceId, attempt: 1 });
    expect((await postWebhook(h, charged.tenantId, body, secret)).body).toEqual({ received: true, outcome: 'APPLIED' });
    expect((await invoice(h, charged.tenantId, charged.invoiceId)).status).toBe('PAID');
  });

  it('stores other event types IGNORED', async () => {
    const { secret, charged } = await setup();
    const body = intentEvent({ type: 'charge.refunded', providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor });
    expect(await postWebhook(h, charged.tenantId, body, secret)).toEqual({ status: 200, body: { received: true, outcome: 'IGNORED' } });
    expect(await webhookEvents(h, charged.tenantId)).toMatchObject([{ type: 'charge.refunded', outcome: 'IGNORED', detail: 'charge.refunded events are not handled' }]);
    expect((await invoice(h, charged.tenantId, charged.invoiceId)).status).toBe('OPEN');
  });

  it('cannot touch a tenant’s invoice through another tenant’s endpoint, even naming its charge and invoice', async () => {
    const { charged } = await setup();
    const intruder = h.tenant();
    const intruderSecret = await h.services.settings.rotateWebhookSecret(intruder.owner);
    const body = intentEvent({ providerPaymentId: charged.providerPaymentId, amountMinor: charged.amountMinor, invoiceId: charged.invoiceId });
    expect((await postWebhook(h, intruder.tenantId, body, intruderSecret)).body).toEqual({ received: true, outcome: 'REJECTED' });
    expect(await webhookEvents(h, intruder.tenantId)).toMatchObject([{ outcome: 'REJECTED' }]);
    await expectUntouched(charged);
  });
});

describe('the HTTP route', () => {
  it('serves POST /billing/webhooks/stripe/:tenantId with the stripe-signature header, and 413 for a body over 256 KiB', async () => {
    const { secret, charged, succeeded } = await setup();
    const logger = createLogger('test', 'silent');
    // The harness's runtime, which carries billing's routes, served over HTTP; closing the server must not stop it (the harness does).
    const { app, url } = await listenSubgraph({ ...h.runtime, stop: async () => {} }, { port: 0, logger });
    try {
      const endpoint = url.replace('/graphql', `/billing/webhooks/stripe/${charged.tenantId}`);
      const post = (body: string, headers: Record<string, string>) => fetch(endpoint, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

      const bad = await post(succeeded, { 'stripe-signature': signWebhookPayload(succeeded, 'whsec_wrong', h.clock.now) });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'WEBHOOK_SIGNATURE_INVALID', reason: 'BAD_SIGNATURE' } });

      const ok = await post(succeeded, { 'stripe-signature': signWebhookPayload(succeeded, secret, h.clock.now) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ received: true, outcome: 'APPLIED' });
      expect((await invoice(h, charged.tenantId, charged.invoiceId)).status).toBe('PAID');

      const huge = JSON.stringify({ padding: 'x'.repeat(256 * 1024) });
      const tooLarge = await post(huge, { 'stripe-signature': signWebhookPayload(huge, secret, h.clock.now) });
      expect(tooLarge.status).toBe(413);

      const notFound = await fetch(url.replace('/graphql', '/billing/webhooks/stripe/acme'), { method: 'POST', body: '{}' });
      expect(notFound.status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('answers an unexpected failure 500 with a generic body, logging the error but not returning it', async () => {
    const logged: unknown[] = [];
    const logger = { error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
    const failing = {
      handleWebhook: async () => {
        throw new Error('connection to 10.0.0.5 refused (password=hunter2)');
      },
    } as unknown as PaymentService;
    const request = { params: { tenantId: crypto.randomUUID() }, headers: {}, rawBody: Buffer.from('{}'), ip: '127.0.0.1', requestId: 'req-1' };
    const response = await webhookRoute(failing, { logger }).handle(request);
    expect(response).toEqual({ status: 500, body: { error: 'internal' } });
    expect(logged).toHaveLength(1);
    // Without a logger the error goes to the host, whose handler logs it and answers the same generic 500.
    await expect(webhookRoute(failing).handle(request)).rejects.toThrow(/refused/);
  });

  it('is declared with its method, path and body limit', () => {
    const route = webhookRoute(h.services.payments);
    expect(route).toMatchObject({ method: 'POST', path: '/billing/webhooks/stripe/:tenantId', bodyLimitBytes: 262_144 });
  });
});
