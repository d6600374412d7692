/**
 * What running the platform costs each tenant, against an optional monthly
 * budget whose thresholds (50/80/100 % by default) raise an alert once per UTC
 * month each: a `cost_alerts` row (unique per tenant, month and threshold) and
 * a `platform_cost.budget_alert@1` event, in the transaction that crossed it.
 *
 * Recording a cost and setting the budget serialise per tenant on an advisory
 * transaction lock, so two concurrent costs that cross a threshold only
 * together still see each other's spend, and a cost cannot slip in with another
 * currency while the budget changes.
 */
import { ForbiddenError, type Identity, ValidationError } from '@platform/core';
import { billingTables as b, type Tx } from '@platform/db';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import {
  COST_CATEGORIES,
  type CostCategory,
  crossedThresholds,
  DEFAULT_THRESHOLDS_PCT,
  isCostCategory,
  parseMonth,
  percentUsed,
  runRateForecast,
  type UtcMonth,
  utcMonthOf,
  validateThresholds,
} from '../domain/cost-budget.js';
import { assertDate, MS_PER_DAY } from '../domain/dates.js';
import { FieldErrors } from '../domain/field-errors.js';
import { assertCurrency, assertMinorAmount, sumMinor } from '../domain/money.js';
import { emitMany } from '../events/emit.js';
import { asActor, type BillingDeps, requireTenant } from './deps.js';
import { idempotent } from './idempotency.js';
import { loadSettings } from './settings.service.js';

export type PlatformCostRow = typeof b.platformCosts.$inferSelect;
export type CostBudgetRow = typeof b.costBudgets.$inferSelect;

/** A raised alert; `month` is 'YYYY-MM' (the table stores the month's first day). */
export interface CostAlert {
  id: string;
  month: string;
  thresholdPct: number;
  spendMinor: number;
  budgetMinor: number;
  currency: string;
  raisedAt: Date;
}

export interface RecordCostInput {
  category: CostCategory | string;
  amountMinor: number;
  currency: string;
  /** Default now; at most 5 minutes ahead, at most 400 days back. */
  incurredAt?: Date | null;
  description?: string | null;
  /** A retry with the same key and input returns the first cost and raises nothing again. */
  idempotencyKey?: string | null;
}

export interface SetBudgetInput {
  monthlyAmountMinor: number;
  currency: string;
  /** Default [50, 80, 100]. */
  thresholdsPct?: number[] | null;
}

export interface CostSummary {
  month: string;
  /** The budget's currency, else the tenant's default currency. */
  currency: string;
  spendMinor: number;
  budget: CostBudgetRow | null;
  budgetMinor: number | null;
  /** spend / budget in percent, two decimals. */
  percentUsed: number | null;
  /** Linear run-rate forecast of the month's spend (domain/cost-budget.ts, runRateForecast). */
  forecastMinor: number;
  byCategory: { category: CostCategory; amountMinor: number }[];
  /** Spend of the month recorded in other currencies (before a budget fixed one); not in spendMinor. */
  otherCurrencies: { currency: string; amountMinor: number }[];
  alerts: CostAlert[];
}

export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_COST_AGE_DAYS = 400;
const MAX_DESCRIPTION = 500;

export class CostService {
  constructor(private readonly deps: BillingDeps) {}

  /** Records a cost and raises every budget threshold the month's spend has newly crossed. */
  async record(actor: Identity, input: RecordCostInput): Promise<{ cost: PlatformCostRow; raisedAlerts: CostAlert[] }> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    const cost = this.validCost(input, now);
    const fingerprinted = { ...cost, incurredAt: input.incurredAt ?? null };
    return asActor(this.deps, actor, async (tx) => {
      let raisedAlerts: CostAlert[] = [];
      const { result } = await idempotent(tx, { tenantId, key: input.idempotencyKey, operation: 'recordPlatformCost', input: fingerprinted, now }, async () => {
        await lockTenantCosts(tx, tenantId);
        const budget = await loadBudget(tx, tenantId);
        if (budget && budget.currency !== cost.currency) {
          throw ValidationError.single('currency', `must be the budget's currency ${budget.currency}, got ${cost.currency}`);
        }
        const [row] = await tx
          .insert(b.platformCosts)
          .values({ tenantId, ...cost })
          .returning({ id: b.platformCosts.id });
        if (budget) raisedAlerts = await raiseCrossedThresholds(tx, tenantId, budget, utcMonthOf(cost.incurredAt), now);
        return { costId: row!.id };
      });
      const [row] = await tx.select().from(b.platformCosts).where(eq(b.platformCosts.id, result.costId as string));
      return { cost: row!, raisedAlerts };
    });
  }

  /** Creates or replaces the monthly budget, then raises the current month's thresholds it has already crossed. */
  async setBudget(actor: Identity, input: SetBudgetInput): Promise<{ budget: CostBudgetRow; raisedAlerts: CostAlert[] }> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    const errors = new FieldErrors();
    const monthlyAmountMinor = errors.check(() => assertMinorAmount('monthlyAmountMinor', input.monthlyAmountMinor, { allowZero: false }));
    const currency = errors.check(() => assertCurrency(input.currency, 'currency'));
    const thresholdsPct = errors.check(() => validateThresholds(input.thresholdsPct ?? DEFAULT_THRESHOLDS_PCT));
    errors.throwIfAny('The budget is not valid');
    const values = { monthlyAmountMinor: monthlyAmountMinor!, currency: currency!, thresholdsPct: thresholdsPct!, updatedAt: now };
    return asActor(this.deps, actor, async (tx) => {
      await lockTenantCosts(tx, tenantId);
      const [budget] = await tx
        .insert(b.costBudgets)
        .values({ tenantId, ...values })
        .onConflictDoUpdate({ target: b.costBudgets.tenantId, set: values })
        .returning();
      const raisedAlerts = await raiseCrossedThresholds(tx, tenantId, budget!, utcMonthOf(now), now);
      return { budget: budget!, raisedAlerts };
    });
  }

  /**
   * Spend, budget use, breakdown, alerts and forecast of a UTC month ('YYYY-MM',
   * default the current one). `forTenantId` (a federated Tenant's id) must be
   * the caller's own tenant: costs of another tenant are FORBIDDEN.
   */
  async summary(actor: Identity, month: string | null | undefined, forTenantId?: string): Promise<CostSummary> {
    const tenantId = requireTenant(actor);
    if (forTenantId !== undefined && forTenantId !== tenantId) throw new ForbiddenError("Only the current tenant's platform costs can be read");
    const now = this.deps.now();
    const m = month == null ? utcMonthOf(now) : parseMonth(month);
    return asActor(this.deps, actor, async (tx) => {
      const budget = await loadBudget(tx, tenantId);
      const currency = budget?.currency ?? (await loadSettings(tx, tenantId)).defaultCurrency;
      const c = b.platformCosts;
      const sums = await tx
        .select({ category: c.category, currency: c.currency, amount: sql<string>`sum(${c.amountMinor})` })
        .from(c)
        .where(and(eq(c.tenantId, tenantId), gte(c.incurredAt, m.start), lt(c.incurredAt, m.end)))
        .groupBy(c.category, c.currency);
      const byCategory = COST_CATEGORIES.flatMap((category) => {
        const row = sums.find((s) => s.category === category && s.currency === currency);
        return row ? [{ category, amountMinor: toMinor(row.amount) }] : [];
      }).sort((x, y) => y.amountMinor - x.amountMinor);
      const others = new Map<string, number>();
      for (const s of sums) if (s.currency !== currency) others.set(s.currency, (others.get(s.currency) ?? 0) + toMinor(s.amount));
      const spendMinor = sumMinor(byCategory.map((x) => x.amountMinor));
      const alerts = await tx
        .select()
        .from(b.costAlerts)
        .where(and(eq(b.costAlerts.tenantId, tenantId), eq(b.costAlerts.month, firstDayOf(m))))
        .orderBy(asc(b.costAlerts.thresholdPct));
      return {
        month: m.key,
        currency,
        spendMinor,
        budget,
        budgetMinor: budget?.monthlyAmountMinor ?? null,
        percentUsed: budget ? percentUsed(spendMinor, budget.monthlyAmountMinor) : null,
        forecastMinor: runRateForecast(spendMinor, m, now),
        byCategory,
        otherCurrencies: [...others].sort(([x], [y]) => x.localeCompare(y)).map(([code, amountMinor]) => ({ currency: code, amountMinor })),
        alerts: alerts.map(toAlert),
      };
    });
  }

  private validCost(input: RecordCostInput, now: Date) {
    const errors = new FieldErrors();
    if (!isCostCategory(input.category)) errors.add('category', `must be one of ${COST_CATEGORIES.join(', ')}, got "${String(input.category)}"`);
    const amountMinor = errors.check(() => assertMinorAmount('amountMinor', input.amountMinor));
    const currency = errors.check(() => assertCurrency(input.currency, 'currency'));
    const incurredAt = input.incurredAt == null ? now : errors.check(() => assertDate(input.incurredAt!, 'incurredAt'));
    if (incurredAt && incurredAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) errors.add('incurredAt', 'must not be more than 5 minutes in the future');
    if (incurredAt && incurredAt.getTime() < now.getTime() - MAX_COST_AGE_DAYS * MS_PER_DAY) {
      errors.add('incurredAt', `must not be more than ${MAX_COST_AGE_DAYS} days in the past`);
    }
    const description = input.description == null || input.description.trim() === '' ? null : input.description.trim();
    if (description && description.length > MAX_DESCRIPTION) errors.add('description', `must be at most ${MAX_DESCRIPTION} characters`);
    errors.throwIfAny('The cost is not valid');
    return { category: input.category as CostCategory, amountMinor: amountMinor!, currency: currency!, incurredAt: incurredAt!, description };
  }
}

/**
 * Compares the month's spend in the budget's currency with each threshold and
 * inserts the crossed ones; ON CONFLICT DO NOTHING leaves an alert already
 * raised this month alone, and only the rows actually inserted get an event.
 * The budget in force now applies to a late cost of a past month too (budgets
 * are not versioned).
 */
async function raiseCrossedThresholds(tx: Tx, tenantId: string, budget: CostBudgetRow, month: UtcMonth, now: Date): Promise<CostAlert[]> {
  const c = b.platformCosts;
  const [total] = await tx
    .select({ amount: sql<string>`coalesce(sum(${c.amountMinor}), 0)` })
    .from(c)
    .where(and(eq(c.tenantId, tenantId), eq(c.currency, budget.currency), gte(c.incurredAt, month.start), lt(c.incurredAt, month.end)));
  const spendMinor = toMinor(total!.amount);
  const crossed = crossedThresholds(spendMinor, budget.monthlyAmountMinor, budget.thresholdsPct);
  if (crossed.length === 0) return [];
  const raised = await tx
    .insert(b.costAlerts)
    .values(
      crossed.map((thresholdPct) => ({
        tenantId,
        month: firstDayOf(month),
        thresholdPct,
        spendMinor,
        budgetMinor: budget.monthlyAmountMinor,
        currency: budget.currency,
        raisedAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning();
  const alerts = raised.map(toAlert).sort((x, y) => x.thresholdPct - y.thresholdPct);
  await emitMany(
    tx,
    tenantId,
    alerts.map((a) => ({
      type: 'platform_cost.budget_alert@1' as const,
      aggregate: { type: 'tenant' as const, id: tenantId },
      payload: { month: a.month, thresholdPct: a.thresholdPct, spendMinor: a.spendMinor, budgetMinor: a.budgetMinor, currency: a.currency },
    })),
  );
  return alerts;
}

async function lockTenantCosts(tx: Tx, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`billing.platform_costs:${tenantId}`}, 0))`);
}

async function loadBudget(tx: Tx, tenantId: string): Promise<CostBudgetRow | null> {
  const [budget] = await tx.select().from(b.costBudgets).where(eq(b.costBudgets.tenantId, tenantId));
  return budget ?? null;
}

/** The `cost_alerts.month` value: the month's first day, 'YYYY-MM-01'. */
function firstDayOf(month: UtcMonth): string {
  return `${month.key}-01`;
}

function toAlert(row: typeof b.costAlerts.$inferSelect): CostAlert {
  return {
    id: row.id,
    month: row.month.slice(0, 7),
    thresholdPct: row.thresholdPct,
    spendMinor: row.spendMinor,
    budgetMinor: row.budgetMinor,
    currency: row.currency,
    raisedAt: row.raisedAt,
  };
}

/** sum(bigint) is numeric, read as a string; a total beyond 2^53 is refused, not rounded. */
function toMinor(amount: string | number): number {
  return assertMinorAmount('spendMinor', Number(amount));
}
