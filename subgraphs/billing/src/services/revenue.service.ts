/**
 * Revenue metrics of the current tenant, in one currency, computed from the MRR
 * ledger (`subscription_changes`) and paid invoices only, never from a stored
 * total such as `subscriptions.mrr_minor`: the ledger is the record of what
 * happened, so a metric for a past month stays what it was. The arithmetic is
 * in domain/revenue.ts; this module loads the rows it needs.
 */
import type { Identity } from '@platform/core';
import { billingTables as b, type Tx } from '@platform/db';
import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import { assertDate } from '../domain/dates.js';
import { FieldErrors } from '../domain/field-errors.js';
import { assertCurrency, assertMinorAmount } from '../domain/money.js';
import {
  type MonthKey,
  type MonthlyRevenue,
  type MrrChange,
  monthlyRevenueReport,
  type RevenueSnapshot,
  type RevenueTrend,
  revenueSnapshot,
} from '../domain/revenue.js';
import { asActor, type BillingDeps, requireTenant } from './deps.js';
import { loadSettings } from './settings.service.js';

export const DEFAULT_REPORT_MONTHS = 12;
export const MAX_REPORT_MONTHS = 36;

export interface RevenueSnapshotResult extends RevenueSnapshot {
  currency: string;
  at: Date;
}

export interface RevenueReportInput {
  /** ISO 4217; the tenant's default currency when absent. */
  currency?: string | null;
  /** 1–36, default 12. */
  months?: number | null;
  /** Any instant of the report's last month (UTC); the current month when absent. */
  endMonth?: Date | null;
}

export interface RevenueReport {
  currency: string;
  /** 00:00 UTC on the 1st of the first month. */
  from: Date;
  /** 00:00 UTC on the 1st of the month after the last (exclusive). */
  to: Date;
  months: MonthlyRevenue[];
  trend: RevenueTrend;
}

export class RevenueService {
  constructor(private readonly deps: BillingDeps) {}

  /** MRR, ARR, ARPU and paying customers at `at` (default now). */
  async snapshot(actor: Identity, currency: string | null | undefined, at?: Date | null): Promise<RevenueSnapshotResult> {
    const tenantId = requireTenant(actor);
    const errors = new FieldErrors();
    const code = currency == null ? null : errors.check(() => assertCurrency(currency, 'currency'));
    const instant = at == null ? this.deps.now() : errors.check(() => assertDate(at, 'at'));
    errors.throwIfAny('The revenue query is not valid');
    return asActor(this.deps, actor, async (tx) => {
      const resolved = code ?? (await loadSettings(tx, tenantId)).defaultCurrency;
      const changes = await ledger(tx, tenantId, resolved, { atOrBefore: instant! });
      return { currency: resolved, at: instant!, ...revenueSnapshot(changes, instant!) };
    });
  }

  /** The monthly MRR bridge, retention, ARPU, collected revenue and trend of the last `months` months up to `endMonth`. */
  async report(actor: Identity, input: RevenueReportInput = {}): Promise<RevenueReport> {
    const tenantId = requireTenant(actor);
    const errors = new FieldErrors();
    const code = input.currency == null ? null : errors.check(() => assertCurrency(input.currency!, 'currency'));
    const months = input.months ?? DEFAULT_REPORT_MONTHS;
    if (!Number.isInteger(months) || months < 1 || months > MAX_REPORT_MONTHS) {
      errors.add('months', `must be a whole number from 1 to ${MAX_REPORT_MONTHS}, got ${months}`);
    }
    const endMonth = input.endMonth == null ? this.deps.now() : errors.check(() => assertDate(input.endMonth!, 'endMonth'));
    errors.throwIfAny('The revenue report query is not valid');
    const from = new Date(Date.UTC(endMonth!.getUTCFullYear(), endMonth!.getUTCMonth() - months + 1, 1));
    const to = new Date(Date.UTC(endMonth!.getUTCFullYear(), endMonth!.getUTCMonth() + 1, 1));
    return asActor(this.deps, actor, async (tx) => {
      const currency = code ?? (await loadSettings(tx, tenantId)).defaultCurrency;
      // The whole ledger before the report's end: the first month's start MRR and
      // the NEW/REACTIVATION distinction both depend on everything before it.
      const changes = await ledger(tx, tenantId, currency, { before: to });
      const collectedByMonth = await collected(tx, tenantId, currency, from, to);
      const report = monthlyRevenueReport(changes, { months, endMonth: endMonth!, collectedByMonth });
      return { currency, from, to, ...report };
    });
  }
}

/** The tenant's ledger rows in one currency, oldest first (rows at one instant in insertion order, which mrrAt relies on). */
async function ledger(tx: Tx, tenantId: string, currency: string, bound: { atOrBefore: Date } | { before: Date }): Promise<MrrChange[]> {
  const c = b.subscriptionChanges;
  return tx
    .select({
      customerId: c.customerId,
      subscriptionId: c.subscriptionId,
      occurredAt: c.occurredAt,
      mrrBeforeMinor: c.mrrBeforeMinor,
      mrrAfterMinor: c.mrrAfterMinor,
    })
    .from(c)
    .where(
      and(
        eq(c.tenantId, tenantId),
        eq(c.currency, currency),
        'atOrBefore' in bound ? lte(c.occurredAt, bound.atOrBefore) : lt(c.occurredAt, bound.before),
      ),
    )
    .orderBy(asc(c.occurredAt), asc(c.id));
}

/** Amount paid on PAID invoices per UTC month of payment, in [from, to): one GROUP BY. */
async function collected(tx: Tx, tenantId: string, currency: string, from: Date, to: Date): Promise<Map<MonthKey, number>> {
  const i = b.invoices;
  const month = sql<string>`to_char(${i.paidAt} at time zone 'UTC', 'YYYY-MM')`;
  const rows = await tx
    .select({ month, amount: sql<string>`sum(${i.amountPaidMinor})` })
    .from(i)
    .where(and(eq(i.tenantId, tenantId), eq(i.currency, currency), eq(i.status, 'PAID'), gte(i.paidAt, from), lt(i.paidAt, to)))
    .groupBy(month);
  const byMonth = new Map<MonthKey, number>();
  for (const row of rows) {
    // sum(bigint) is numeric, read as a string; beyond 2^53 it is refused, not rounded.
    byMonth.set(row.month, assertMinorAmount(`collected.${row.month}`, Number(row.amount)));
  }
  return byMonth;
}
