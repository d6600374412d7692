/**
 * Revenue metrics computed from the MRR ledger: ledger rows are seeded
 * directly (as the subscription services would write them) and every figure is
 * checked against values worked out by hand in the comments.
 */
import { type Identity, ValidationError } from '@platform/core';
import { billingTables as b } from '@platform/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, startBilling, type TestTenant } from './support.js';

let env: BillingHarness;

beforeAll(async () => {
  env = await startBilling({ start: new Date('2026-04-15T12:00:00Z') });
});
afterAll(async () => {
  await env?.close();
});

interface LedgerRow {
  at: string;
  before: number;
  after: number;
  kind?: string;
}

/** A subscription of `customerId` with its ledger rows; `mrr_minor` is set to the last row's MRR, as recordChange does. */
async function subscription(tenantId: string, customerId: string, currency: string, rows: LedgerRow[]): Promise<string> {
  return env.asTenant(tenantId, async (tx) => {
    const first = new Date(rows[0]!.at);
    const last = rows[rows.length - 1]!;
    const [sub] = await tx
      .insert(b.subscriptions)
      .values({
        tenantId,
        customerId,
        currency,
        status: last.after > 0 ? 'ACTIVE' : 'CANCELED',
        billingCycleAnchor: first,
        interval: 'MONTH',
        intervalCount: 1,
        currentPeriodStart: first,
        currentPeriodEnd: new Date(first.getTime() + 30 * 86_400_000),
        mrrMinor: last.after,
      })
      .returning({ id: b.subscriptions.id });
    await tx.insert(b.subscriptionChanges).values(
      rows.map((r, i) => ({
        tenantId,
        subscriptionId: sub!.id,
        customerId,
        kind: r.kind ?? (i === 0 ? 'CREATED' : 'PLAN_CHANGE'),
        fromStatus: i === 0 ? null : 'ACTIVE',
        toStatus: r.after > 0 ? 'ACTIVE' : 'CANCELED',
        reason: 'seeded by test',
        currency,
        mrrBeforeMinor: r.before,
        mrrAfterMinor: r.after,
        occurredAt: new Date(r.at),
      })),
    );
    return sub!.id;
  });
}

async function paidInvoice(tenantId: string, customerId: string, currency: string, amount: number, paidAt: string | null, status = 'PAID') {
  await env.asTenant(tenantId, (tx) =>
    tx.insert(b.invoices).values({
      tenantId,
      customerId,
      status,
      billingReason: 'SUBSCRIPTION_UPDATE',
      currency,
      subtotalMinor: amount,
      taxRateBps: 0,
      taxMinor: 0,
      totalMinor: amount,
      amountPaidMinor: status === 'PAID' ? amount : 0,
      amountDueMinor: status === 'PAID' ? 0 : amount,
      paidAt: paidAt ? new Date(paidAt) : null,
    }),
  );
}

/**
 * Three months of a tenant, in USD unless stated:
 *
 *   Jan 2026  A new 5,000 (5th), B new 2,000 (10th), C new 3,000 (20th)       → end 10,000
 *   Feb 2026  D new 4,000 at 00:00 UTC on the 1st (belongs to February),
 *             A expands 5,000 → 7,000 (10th), C churns 3,000 (20th),
 *             B contracts 2,000 → 1,000 at 23:59:59.999 on the 28th             → end 12,000
 *   Mar 2026  C comes back on a new subscription at 2,500 (3rd)               → end 14,500
 *
 *   E pays 9,999 EUR from Feb 2nd (another currency: never in the USD figures).
 */
async function seedThreeMonths(t: TestTenant) {
  const [a, bb, c, d, e] = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n) => env.customer(t.tenantId, `Customer ${n}`)));
  await subscription(t.tenantId, a!, 'USD', [
    { at: '2026-01-05T09:00:00Z', before: 0, after: 5_000 },
    { at: '2026-02-10T09:00:00Z', before: 5_000, after: 7_000 },
  ]);
  await subscription(t.tenantId, bb!, 'USD', [
    { at: '2026-01-10T09:00:00Z', before: 0, after: 2_000 },
    { at: '2026-02-28T23:59:59.999Z', before: 2_000, after: 1_000, kind: 'QUANTITY_CHANGE' },
  ]);
  await subscription(t.tenantId, c!, 'USD', [
    { at: '2026-01-20T09:00:00Z', before: 0, after: 3_000 },
    { at: '2026-02-20T09:00:00Z', before: 3_000, after: 0, kind: 'STATUS' },
  ]);
  await subscription(t.tenantId, c!, 'USD', [{ at: '2026-03-03T09:00:00Z', before: 0, after: 2_500 }]);
  await subscription(t.tenantId, d!, 'USD', [{ at: '2026-02-01T00:00:00Z', before: 0, after: 4_000 }]);
  await subscription(t.tenantId, e!, 'EUR', [{ at: '2026-02-02T09:00:00Z', before: 0, after: 9_999 }]);
  // Collected: January 5,000 + 2,000 (paid 23:30 UTC on the 31st) = 7,000; February 7,000
  // (paid at 00:00 UTC on the 1st); an open and a void invoice and a EUR payment never count.
  await paidInvoice(t.tenantId, a!, 'USD', 5_000, '2026-01-05T09:00:00Z');
  await paidInvoice(t.tenantId, bb!, 'USD', 2_000, '2026-01-31T23:30:00Z');
  await paidInvoice(t.tenantId, a!, 'USD', 7_000, '2026-02-01T00:00:00Z');
  await paidInvoice(t.tenantId, d!, 'USD', 4_000, null, 'OPEN');
  await paidInvoice(t.tenantId, d!, 'USD', 4_000, null, 'VOID');
  await paidInvoice(t.tenantId, e!, 'EUR', 9_999, '2026-02-02T09:00:00Z');
  return { a: a!, b: bb!, c: c!, d: d!, e: e! };
}

async function validationPaths(run: () => Promise<unknown>): Promise<string[]> {
  const error = await run().then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fieldErrors.map((f) => f.path);
}

describe('the revenue snapshot', () => {
  it('gives MRR, ARR, ARPU and paying customers from the ledger, matching the subscriptions’ stored MRR', async () => {
    const t = env.tenant();
    await seedThreeMonths(t);
    // Now (April 15th): A 7,000 + B 1,000 + C 2,500 + D 4,000 = 14,500 from 4 customers.
    const now = await env.services.revenue.snapshot(t.owner, 'USD');
    expect(now).toEqual({ currency: 'USD', at: env.clock.now, mrrMinor: 14_500, arrMinor: 174_000, payingCustomers: 4, arpuMinor: 3_625 });
    const stored = await env.asTenant(t.tenantId, (tx) => tx.select({ mrr: b.subscriptions.mrrMinor }).from(b.subscriptions).where(eq(b.subscriptions.currency, 'USD')));
    expect(stored.reduce((sum, s) => sum + s.mrr, 0)).toBe(now.mrrMinor);

    // Feb 15th: A 7,000 (expanded on the 10th) + B 2,000 + C 3,000 + D 4,000 = 16,000; ARPU 16,000 / 4 = 4,000.
    const mid = await env.services.revenue.snapshot(t.owner, 'usd', new Date('2026-02-15T00:00:00Z'));
    expect(mid).toMatchObject({ currency: 'USD', mrrMinor: 16_000, arrMinor: 192_000, payingCustomers: 4, arpuMinor: 4_000 });
    // Just before D's first instant: A 5,000 + B 2,000 + C 3,000.
    expect(await env.services.revenue.snapshot(t.owner, 'USD', new Date('2026-01-31T23:59:59.999Z'))).toMatchObject({ mrrMinor: 10_000, payingCustomers: 3 });
    // Before any row: nothing, and ARPU 0 rather than a division by zero.
    expect(await env.services.revenue.snapshot(t.owner, 'USD', new Date('2025-12-31T00:00:00Z'))).toMatchObject({ mrrMinor: 0, payingCustomers: 0, arpuMinor: 0 });
  });

  it('counts one currency at a time, the tenant’s default one unless asked', async () => {
    const t = env.tenant();
    await seedThreeMonths(t);
    expect(await env.services.revenue.snapshot(t.owner, 'EUR')).toMatchObject({ currency: 'EUR', mrrMinor: 9_999, payingCustomers: 1, arpuMinor: 9_999 });
    expect(await env.services.revenue.snapshot(t.owner, null)).toMatchObject({ currency: 'USD', mrrMinor: 14_500 });
    await env.services.settings.update(t.owner, { defaultCurrency: 'EUR' });
    expect(await env.services.revenue.snapshot(t.owner, null)).toMatchObject({ currency: 'EUR', mrrMinor: 9_999 });
    expect(await env.services.revenue.snapshot(t.owner, 'GBP')).toMatchObject({ currency: 'GBP', mrrMinor: 0, payingCustomers: 0 });
  });

  it('never sees another tenant’s ledger (row-level security)', async () => {
    const t = env.tenant();
    const other = env.tenant();
    await seedThreeMonths(t);
    const big = await env.customer(other.tenantId, 'Other tenant’s customer');
    await subscription(other.tenantId, big, 'USD', [{ at: '2026-01-02T00:00:00Z', before: 0, after: 50_000 }]);
    expect(await env.services.revenue.snapshot(t.owner, 'USD')).toMatchObject({ mrrMinor: 14_500, payingCustomers: 4 });
    expect(await env.services.revenue.snapshot(other.owner, 'USD')).toMatchObject({ mrrMinor: 50_000, payingCustomers: 1 });
    // The database itself hides the rows: an unfiltered read in the other tenant's scope finds only its own row.
    const visible = await env.asTenant(other.tenantId, (tx) => tx.select({ tenantId: b.subscriptionChanges.tenantId }).from(b.subscriptionChanges));
    expect(visible).toEqual([{ tenantId: other.tenantId }]);
  });

  it('refuses an unknown currency and an invalid instant, naming both', async () => {
    const t = env.tenant();
    expect(await validationPaths(() => env.services.revenue.snapshot(t.owner, 'XYZ', new Date(Number.NaN)))).toEqual(['currency', 'at']);
  });
});

describe('the monthly revenue report', () => {
  it('bridges each month’s MRR and computes retention, collected revenue and the trend', async () => {
    const t = env.tenant();
    await seedThreeMonths(t);
    const report = await env.services.revenue.report(t.owner, { currency: 'USD', months: 3, endMonth: new Date('2026-03-31T23:00:00Z') });
    expect(report.currency).toBe('USD');
    expect(report.from).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(report.to).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(report.months).toEqual([
      // January: 0 + 10,000 new = 10,000. Nobody paid at the start, so no retention.
      {
        month: '2026-01',
        startMrrMinor: 0,
        newMrrMinor: 10_000,
        expansionMrrMinor: 0,
        contractionMrrMinor: 0,
        churnedMrrMinor: 0,
        reactivationMrrMinor: 0,
        endMrrMinor: 10_000,
        netNewMrrMinor: 10_000,
        payingCustomersEnd: 3,
        arpuMinor: 3_333, // 10,000 / 3 = 3,333.33…
        arrMinor: 120_000,
        netRevenueRetention: null,
        grossRevenueRetention: null,
        growthRate: null,
        collectedMinor: 7_000,
      },
      // February: 10,000 + 4,000 new + 2,000 expansion − 1,000 contraction − 3,000 churn = 12,000.
      // NRR over January's payers A, B, C: (10,000 + 2,000 − 1,000 − 3,000) / 10,000 = 0.8;
      // GRR (10,000 − 1,000 − 3,000) / 10,000 = 0.6. D's new MRR is not in either.
      {
        month: '2026-02',
        startMrrMinor: 10_000,
        newMrrMinor: 4_000,
        expansionMrrMinor: 2_000,
        contractionMrrMinor: 1_000,
        churnedMrrMinor: 3_000,
        reactivationMrrMinor: 0,
        endMrrMinor: 12_000,
        netNewMrrMinor: 2_000,
        payingCustomersEnd: 3,
        arpuMinor: 4_000, // A 7,000 + B 1,000 + D 4,000 = 12,000 / 3
        arrMinor: 144_000,
        netRevenueRetention: 0.8,
        grossRevenueRetention: 0.6,
        growthRate: expect.closeTo(0.2, 12), // 12,000 / 10,000 − 1
        collectedMinor: 7_000,
      },
      // March: 12,000 + 2,500 reactivation (C paid before) = 14,500. February's payers A, B, D
      // did not move: NRR = GRR = 12,000 / 12,000 = 1. ARPU 14,500 / 4 = 3,625.
      {
        month: '2026-03',
        startMrrMinor: 12_000,
        newMrrMinor: 0,
        expansionMrrMinor: 0,
        contractionMrrMinor: 0,
        churnedMrrMinor: 0,
        reactivationMrrMinor: 2_500,
        endMrrMinor: 14_500,
        netNewMrrMinor: 2_500,
        payingCustomersEnd: 4,
        arpuMinor: 3_625,
        arrMinor: 174_000,
        netRevenueRetention: 1,
        grossRevenueRetention: 1,
        growthRate: expect.closeTo(0.208333, 6), // 14,500 / 12,000 − 1
        collectedMinor: 0,
      },
    ]);
    // End MRR 10,000, 12,000, 14,500 at x = 0, 1, 2: slope = (14,500 − 10,000) / 2 = 2,250 a month,
    // far above 0.5 % of the mean (12,166.67 × 0.005 ≈ 61): GROWING. CMGR = √(14,500 / 10,000) − 1.
    expect(report.trend).toEqual({ slopeMinorPerMonth: 2_250, compoundMonthlyGrowthRate: expect.closeTo(Math.sqrt(1.45) - 1, 12), direction: 'GROWING' });
  });

  it('defaults to the twelve months up to the current one, in the tenant’s currency', async () => {
    const t = env.tenant();
    await seedThreeMonths(t);
    const report = await env.services.revenue.report(t.owner);
    // Now is April 15th 2026: May 2025 … April 2026.
    expect(report.months.map((m) => m.month)).toEqual([
      '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04',
    ]);
    expect(report.currency).toBe('USD');
    expect(report.months.at(-1)).toMatchObject({ month: '2026-04', startMrrMinor: 14_500, endMrrMinor: 14_500, netRevenueRetention: 1 });
    expect(report.months[0]).toMatchObject({ startMrrMinor: 0, endMrrMinor: 0 });
  });

  it('reports one currency only: the EUR report sees only E and the EUR payment', async () => {
    const t = env.tenant();
    await seedThreeMonths(t);
    const report = await env.services.revenue.report(t.owner, { currency: 'EUR', months: 2, endMonth: new Date('2026-02-10T00:00:00Z') });
    expect(report.months.map((m) => [m.month, m.newMrrMinor, m.endMrrMinor, m.collectedMinor])).toEqual([
      ['2026-01', 0, 0, 0],
      ['2026-02', 9_999, 9_999, 9_999],
    ]);
  });

  it('validates months, currency and end month together', async () => {
    const t = env.tenant();
    expect(await validationPaths(() => env.services.revenue.report(t.owner, { months: 0, currency: 'dollars', endMonth: new Date('nope') }))).toEqual([
      'currency',
      'months',
      'endMonth',
    ]);
    expect(await validationPaths(() => env.services.revenue.report(t.owner, { months: 37 }))).toEqual(['months']);
    expect(await validationPaths(() => env.services.revenue.report(t.owner, { months: 1.5 }))).toEqual(['months']);
  });
});

describe('revenue over GraphQL', () => {
  const METRICS = `query($currency: String, $at: DateTime) { revenueMetrics(currency: $currency, at: $at) { currency at mrrMinor arrMinor arpuMinor payingCustomers } }`;
  const REPORT = `query($months: Int, $endMonth: DateTime) {
    revenueReport(months: $months, endMonth: $endMonth) {
      currency from to trend { slopeMinorPerMonth direction compoundMonthlyGrowthRate }
      months { month startMrrMinor newMrrMinor expansionMrrMinor contractionMrrMinor churnedMrrMinor reactivationMrrMinor endMrrMinor netRevenueRetention grossRevenueRetention collectedMinor }
    }
  }`;

  it('serves the snapshot and the report to a member with data:read', async () => {
    const t = env.tenant();
    await seedThreeMonths(t);
    const viewer: Identity = t.user(['tenant:read', 'data:read']);
    const { revenueMetrics } = await env.ok(viewer, METRICS, { currency: 'USD', at: '2026-02-15T00:00:00Z' });
    expect(revenueMetrics).toEqual({ currency: 'USD', at: '2026-02-15T00:00:00.000Z', mrrMinor: 16_000, arrMinor: 192_000, arpuMinor: 4_000, payingCustomers: 4 });
    const { revenueReport } = await env.ok(viewer, REPORT, { months: 3, endMonth: '2026-03-01T00:00:00Z' });
    expect(revenueReport.months[1]).toEqual({
      month: '2026-02',
      startMrrMinor: 10_000,
      newMrrMinor: 4_000,
      expansionMrrMinor: 2_000,
      contractionMrrMinor: 1_000,
      churnedMrrMinor: 3_000,
      reactivationMrrMinor: 0,
      endMrrMinor: 12_000,
      netRevenueRetention: 0.8,
      grossRevenueRetention: 0.6,
      collectedMinor: 7_000,
    });
    expect(revenueReport.trend).toMatchObject({ slopeMinorPerMonth: 2_250, direction: 'GROWING' });
  });

  it('refuses a caller without data:read and reports bad arguments with their paths', async () => {
    const t = env.tenant();
    const denied = await env.gql(t.user(['tenant:read']), METRICS, {});
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await env.gql(t.owner, REPORT, { months: 40 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.message).toContain('months: must be a whole number from 1 to 36');
  });
});
