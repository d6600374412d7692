/**
 * Subscriptions, proration, metered usage and the billing run on a real
 * database (PGlite, or PostgreSQL with DATABASE_URL), with hand-computed
 * amounts. The clock starts on 2026-01-01 00:00 UTC, so monthly periods are
 * January (31 days), February (28 days), March (31 days).
 */
import { billingTables as b } from '@platform/db';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentUsage } from '../src/services/usage.service.js';
import { type BillingHarness, DAY, startBilling, type TestTenant } from './support.js';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBilling();
});
afterAll(() => h.close());

/** A fresh tenant with one customer, clock reset to 2026-01-01. */
async function setup() {
  h.clock.now = new Date('2026-01-01T00:00:00Z');
  const tenant = h.tenant();
  const customerId = await h.customer(tenant.tenantId);
  const plan = await h.services.catalog.createPlan(tenant.owner, { name: 'Pro' });
  const price = (unitAmountMinor: number, extra: Record<string, unknown> = {}) =>
    h.services.catalog.createPrice(tenant.owner, { planId: plan.id, currency: 'USD', model: 'FLAT', unitAmountMinor, interval: 'MONTH', ...extra });
  return { tenant, customerId, plan, price };
}

async function invoicesOf(t: TestTenant, subscriptionId: string) {
  return h.asTenant(t.tenantId, async (tx) => {
    const invoices = await tx.select().from(b.invoices).where(eq(b.invoices.subscriptionId, subscriptionId)).orderBy(asc(b.invoices.createdAt), asc(b.invoices.number));
    const lines = await tx.select().from(b.invoiceLines).orderBy(asc(b.invoiceLines.position));
    return invoices.map((inv) => ({ ...inv, lines: lines.filter((l) => l.invoiceId === inv.id) }));
  });
}

/** The subscription's usage so far in its period, as BillingSubscription.currentUsage loads it. */
async function currentUsageOf(t: TestTenant, subscriptionId: string) {
  return (await h.asTenant(t.tenantId, (tx) => currentUsage(tx, [subscriptionId]))).get(subscriptionId) ?? [];
}

async function failure(work: Promise<unknown>) {
  try {
    await work;
  } catch (err) {
    return err as { code?: string; message: string; fieldErrors?: { path: string }[] };
  }
  throw new Error('expected a failure');
}

describe('creating a subscription', () => {
  it('activates it, invoices the first period in advance with a sequential number and records MRR and the event', async () => {
    const { tenant, customerId, price } = await setup();
    const p = await price(1000);
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id }] });
    expect(sub.status).toBe('ACTIVE');
    expect(sub.currentPeriodEnd.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(sub.mrrMinor).toBe(1000);
    const [invoice] = await invoicesOf(tenant, sub.id);
    expect(invoice).toMatchObject({ status: 'OPEN', number: 'INV-000001', billingReason: 'SUBSCRIPTION_CREATE', subtotalMinor: 1000, taxMinor: 0, totalMinor: 1000, amountDueMinor: 1000 });
    expect(invoice!.lines.map((l) => [l.kind, l.amountMinor])).toEqual([['SUBSCRIPTION', 1000]]);
    const events = await h.outbox(tenant.tenantId, 'subscription.status_changed@1');
    expect(events.map((e) => (e.payload as { to: string }).to)).toEqual(['ACTIVE']);
    const second = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id }] });
    expect((await invoicesOf(tenant, second.id))[0]!.number).toBe('INV-000002');
  });

  it('starts a trial without an invoice; the billing run ends it and bills the first paid period', async () => {
    const { tenant, customerId, price } = await setup();
    const p = await price(1000, { trialDays: 14 });
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id }] });
    expect(sub).toMatchObject({ status: 'TRIALING', mrrMinor: 0 });
    expect(sub.trialEnd!.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(await invoicesOf(tenant, sub.id)).toHaveLength(0);
    h.clock.advance(14 * DAY);
    const run = await h.services.billingRun.run(tenant.owner);
    expect(run).toMatchObject({ trialsEnded: 1, invoicesCreated: 1 });
    const after = await h.services.subscriptions.get(tenant.owner, sub.id);
    expect(after).toMatchObject({ status: 'ACTIVE', mrrMinor: 1000 });
    expect(after.currentPeriodEnd.toISOString()).toBe('2026-02-15T00:00:00.000Z');
    const [invoice] = await invoicesOf(tenant, sub.id);
    expect(invoice!.lines.map((l) => [l.kind, l.amountMinor, l.periodStart?.toISOString()])).toEqual([['SUBSCRIPTION', 1000, '2026-01-15T00:00:00.000Z']]);
  });

  it('adds tax as its own line and the totals reconcile', async () => {
    const { tenant, customerId, price } = await setup();
    await h.services.settings.update(tenant.owner, { taxRateBps: 2000 });
    const p = await price(1999);
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id, quantity: 1 }] });
    const [invoice] = await invoicesOf(tenant, sub.id);
    // 20 % of 19.99 = 3.998 → 4.00
    expect(invoice).toMatchObject({ subtotalMinor: 1999, taxMinor: 400, totalMinor: 2399 });
    expect(invoice!.lines.map((l) => [l.kind, l.amountMinor])).toEqual([
      ['SUBSCRIPTION', 1999],
      ['TAX', 400],
    ]);
  });

  it('replays the first result for the same idempotency key and refuses the key with other input', async () => {
    const { tenant, customerId, price } = await setup();
    const p = await price(1000);
    const input = { customerId, items: [{ priceId: p.id }], idempotencyKey: 'sub-1' };
    const first = await h.services.subscriptions.create(tenant.owner, input);
    const again = await h.services.subscriptions.create(tenant.owner, input);
    expect(again.id).toBe(first.id);
    expect(await invoicesOf(tenant, first.id)).toHaveLength(1);
    const err = await failure(h.services.subscriptions.create(tenant.owner, { ...input, items: [{ priceId: p.id, quantity: 2 }] }));
    expect(err.code).toBe('CONFLICT');
  });
});

describe('changing a subscription mid-period', () => {
  it('prorates an upgrade from 10.00 to 20.00 halfway through to the second: −5.00 and +10.00, net +5.00 on the next invoice', async () => {
    const { tenant, customerId, price } = await setup();
    const ten = await price(1000);
    const twenty = await price(2000);
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: ten.id }] });
    h.clock.advance(15.5 * DAY); // January has 31 days: exactly half of the period is left
    const changed = await h.services.subscriptions.change(tenant.owner, { subscriptionId: sub.id, items: [{ priceId: twenty.id }] });
    expect(changed.mrrMinor).toBe(2000);
    const pending = await h.asTenant(tenant.tenantId, (tx) => tx.select().from(b.pendingItems).where(eq(b.pendingItems.subscriptionId, sub.id)));
    expect(pending.map((p) => p.amountMinor).sort((x, y) => x - y)).toEqual([-500, 1000]);
    h.clock.now = new Date('2026-02-01T00:00:00Z');
    await h.services.billingRun.run(tenant.owner);
    const invoices = await invoicesOf(tenant, sub.id);
    const cycle = invoices.find((i) => i.billingReason === 'SUBSCRIPTION_CYCLE')!;
    expect(cycle.lines.map((l) => [l.kind, l.amountMinor])).toEqual([
      ['SUBSCRIPTION', 2000],
      ['PRORATION', -500],
      ['PRORATION', 1000],
    ]);
    expect(cycle.subtotalMinor).toBe(2500);
    const ledger = await h.asTenant(tenant.tenantId, (tx) => tx.select().from(b.subscriptionChanges).where(eq(b.subscriptionChanges.subscriptionId, sub.id)).orderBy(asc(b.subscriptionChanges.id)));
    expect(ledger.map((l) => [l.kind, l.mrrBeforeMinor, l.mrrAfterMinor])).toEqual([
      ['CREATED', 0, 1000],
      ['PLAN_CHANGE', 1000, 2000],
    ]);
  });

  it('invoices prorations at once with ALWAYS_INVOICE; a quantity downgrade gives a credit carried to the next invoice', async () => {
    const { tenant, customerId, plan } = await setup();
    const seat = await h.services.catalog.createPrice(tenant.owner, { planId: plan.id, currency: 'USD', model: 'PER_SEAT', unitAmountMinor: 1000, interval: 'MONTH' });
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: seat.id, quantity: 3 }] });
    h.clock.advance(15.5 * DAY);
    await h.services.subscriptions.change(tenant.owner, { subscriptionId: sub.id, items: [{ priceId: seat.id, quantity: 1 }], prorationBehavior: 'ALWAYS_INVOICE' });
    const update = (await invoicesOf(tenant, sub.id)).find((i) => i.billingReason === 'SUBSCRIPTION_UPDATE')!;
    // −(3 × 10.00)/2 + (1 × 10.00)/2 = −15.00 + 5.00 = −10.00: nothing to pay, 10.00 credited later
    expect(update).toMatchObject({ subtotalMinor: -1000, totalMinor: -1000, amountDueMinor: 0, status: 'PAID' });
    h.clock.now = new Date('2026-02-01T00:00:00Z');
    await h.services.billingRun.run(tenant.owner);
    const cycle = (await invoicesOf(tenant, sub.id)).find((i) => i.billingReason === 'SUBSCRIPTION_CYCLE')!;
    expect(cycle.lines.map((l) => [l.kind, l.amountMinor])).toEqual([
      ['SUBSCRIPTION', 1000],
      ['PRORATION', -1000],
    ]);
    expect(cycle).toMatchObject({ totalMinor: 0, status: 'PAID' });
  });

  it('refuses a change on a canceled subscription, a price in another currency and a new interval, changing nothing', async () => {
    const { tenant, customerId, price, plan } = await setup();
    const p = await price(1000);
    const eur = await h.services.catalog.createPrice(tenant.owner, { planId: plan.id, currency: 'EUR', model: 'FLAT', unitAmountMinor: 900, interval: 'MONTH' });
    const yearly = await price(10_000, { interval: 'YEAR' });
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id }] });
    expect((await failure(h.services.subscriptions.change(tenant.owner, { subscriptionId: sub.id, items: [{ priceId: eur.id }] }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(h.services.subscriptions.change(tenant.owner, { subscriptionId: sub.id, items: [{ priceId: yearly.id }] }))).code).toBe('VALIDATION_FAILED');
    // The customer is billed in USD from now on: a EUR subscription is refused.
    expect((await failure(h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: eur.id }] }))).message).toMatch(/mismatched currency/);
    await h.services.subscriptions.cancel(tenant.owner, { subscriptionId: sub.id, atPeriodEnd: false });
    const err = await failure(h.services.subscriptions.change(tenant.owner, { subscriptionId: sub.id, items: [{ priceId: p.id, quantity: 2 }] }));
    expect(err.code).toBe('INVALID_STATE');
    const items = await h.asTenant(tenant.tenantId, (tx) => tx.select().from(b.subscriptionItems).where(eq(b.subscriptionItems.subscriptionId, sub.id)));
    expect(items.map((i) => [i.priceId, i.quantity, i.deletedAt])).toEqual([[p.id, 1, null]]);
  });

  it('keeps a used price immutable but lets an unused one change', async () => {
    const { tenant, customerId, price } = await setup();
    const used = await price(1000);
    const unused = await price(1000);
    await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: used.id }] });
    expect((await failure(h.services.catalog.updatePrice(tenant.owner, used.id, { unitAmountMinor: 1200 }))).code).toBe('INVALID_STATE');
    expect((await h.services.catalog.updatePrice(tenant.owner, used.id, { active: false })).active).toBe(false);
    expect((await h.services.catalog.updatePrice(tenant.owner, unused.id, { unitAmountMinor: 1200 })).unitAmountMinor).toBe(1200);
  });
});

describe('metered usage', () => {
  async function meteredSetup(aggregation: 'SUM' | 'COUNT' | 'LAST') {
    const { tenant, customerId, plan } = await setup();
    const meter = await h.services.catalog.createMeter(tenant.owner, { eventName: `calls_${aggregation.toLowerCase()}`, displayName: 'API calls', aggregation });
    const price = await h.services.catalog.createPrice(tenant.owner, { planId: plan.id, currency: 'USD', model: 'METERED', unitAmountMinor: 5, meterId: meter.id, interval: 'MONTH' });
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: price.id }] });
    const usage = (quantity: number, identifier: string, hoursIn: number) => ({
      meter: meter.eventName,
      customerId,
      quantity,
      identifier,
      timestamp: new Date(Date.parse('2026-01-01T00:00:00Z') + hoursIn * 3_600_000),
    });
    return { tenant, customerId, meter, sub, usage };
  }

  it('aggregates by the meter formula, ignores repeated identifiers and shows current usage before the invoice', async () => {
    const { tenant, sub, usage } = await meteredSetup('SUM');
    h.clock.advance(10 * DAY);
    const result = await h.services.usage.record(tenant.owner, [usage(10, 'a', 1), usage(20, 'b', 2), usage(30, 'c', 3), usage(30, 'c', 3)]);
    expect(result).toEqual({ accepted: 3, duplicates: 1 });
    expect(await h.services.usage.record(tenant.owner, [usage(99, 'a', 4)])).toEqual({ accepted: 0, duplicates: 1 });
    const [current] = await currentUsageOf(tenant, sub.id);
    // 10 + 20 + 30 = 60 units × 0.05 = 3.00
    expect(current).toMatchObject({ quantity: 60, amountMinor: 300 });
    h.clock.now = new Date('2026-02-01T00:00:00Z');
    await h.services.billingRun.run(tenant.owner);
    const cycle = (await invoicesOf(tenant, sub.id)).find((i) => i.billingReason === 'SUBSCRIPTION_CYCLE')!;
    expect(cycle.lines.map((l) => [l.kind, l.quantity, l.amountMinor])).toEqual([['USAGE', 60, 300]]);
  });

  it.each([
    ['COUNT', 3, 15],
    ['LAST', 5, 25],
  ] as const)('%s aggregation gives %i units', async (aggregation, units, amount) => {
    const { tenant, sub, usage } = await meteredSetup(aggregation);
    h.clock.advance(10 * DAY);
    // Sent out of order: the latest event (hour 9) carries 5.
    await h.services.usage.record(tenant.owner, [usage(7, 'x', 3), usage(5, 'y', 9), usage(8, 'z', 6)]);
    const [current] = await currentUsageOf(tenant, sub.id);
    expect(current).toMatchObject({ quantity: units, amountMinor: amount });
  });

  it('refuses a batch with an unknown meter, a timestamp beyond 35 days or in the future, naming each by index, and stores none of it', async () => {
    const { tenant, usage, customerId } = await meteredSetup('SUM');
    h.clock.now = new Date('2026-03-01T00:00:00Z');
    const err = await failure(
      h.services.usage.record(tenant.owner, [
        { ...usage(1, 'ok', 0), timestamp: new Date('2026-02-27T00:00:00Z') },
        { ...usage(1, 'meter', 0), meter: 'nope', timestamp: null },
        usage(1, 'old', 0), // 2026-01-01 is 59 days before 2026-03-01
        { ...usage(1, 'future', 0), timestamp: new Date('2026-03-01T01:00:00Z') },
        { ...usage(1.5, 'fraction', 0), timestamp: null },
        { ...usage(1, 'who', 0), customerId: crypto.randomUUID(), timestamp: null },
      ]),
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.fieldErrors!.map((f) => f.path)).toEqual(['events.1.meter', 'events.2.timestamp', 'events.3.timestamp', 'events.4.quantity', 'events.5.customerId']);
    const stored = await h.asTenant(tenant.tenantId, (tx) => tx.select().from(b.usageEvents).where(eq(b.usageEvents.customerId, customerId)));
    expect(stored).toHaveLength(0);
  });
});

describe('the billing run', () => {
  it('invoices each overdue period once, however often it runs', async () => {
    const { tenant, customerId, price } = await setup();
    const p = await price(1000);
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id }] });
    h.clock.now = new Date('2026-04-01T00:00:00Z');
    const first = await h.services.billingRun.run(tenant.owner);
    expect(first.invoicesCreated).toBe(3); // February, March and April billed in advance at the ends of Jan, Feb, Mar
    const second = await h.services.billingRun.run(tenant.owner);
    expect(second.invoicesCreated).toBe(0);
    const invoices = await invoicesOf(tenant, sub.id);
    expect(invoices.map((i) => i.lines[0]!.periodStart!.toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect((await h.services.subscriptions.get(tenant.owner, sub.id)).currentPeriodEnd.toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });

  it('cancels at period end: billed to the end, then CANCELED with MRR 0; canceling now bills usage so far', async () => {
    const { tenant, customerId, price } = await setup();
    const p = await price(1000);
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id }] });
    const scheduled = await h.services.subscriptions.cancel(tenant.owner, { subscriptionId: sub.id, atPeriodEnd: true });
    expect(scheduled).toMatchObject({ status: 'ACTIVE', cancelAtPeriodEnd: true, mrrMinor: 1000 });
    h.clock.now = new Date('2026-02-01T00:00:00Z');
    const run = await h.services.billingRun.run(tenant.owner);
    expect(run.canceledAtPeriodEnd).toBe(1);
    expect(await h.services.subscriptions.get(tenant.owner, sub.id)).toMatchObject({ status: 'CANCELED', mrrMinor: 0 });
    expect(await invoicesOf(tenant, sub.id)).toHaveLength(1);
    const err = await failure(h.services.subscriptions.cancel(tenant.owner, { subscriptionId: sub.id, atPeriodEnd: false }));
    expect(err.code).toBe('INVALID_STATE');
  });

  it('does not let another tenant see or bill the subscription', async () => {
    const { tenant, customerId, price } = await setup();
    const p = await price(1000);
    const sub = await h.services.subscriptions.create(tenant.owner, { customerId, items: [{ priceId: p.id }] });
    const other = h.tenant();
    expect((await failure(h.services.subscriptions.get(other.owner, sub.id))).code).toBe('NOT_FOUND');
    expect((await failure(h.services.subscriptions.cancel(other.owner, { subscriptionId: sub.id, atPeriodEnd: false }))).code).toBe('NOT_FOUND');
    expect((await failure(h.services.subscriptions.create(other.owner, { customerId, items: [{ priceId: p.id }] }))).code).toBe('NOT_FOUND');
    h.clock.now = new Date('2026-02-01T00:00:00Z');
    expect((await h.services.billingRun.run(other.owner)).invoicesCreated).toBe(0);
  });
});
