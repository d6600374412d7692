/**
 * The billing run: for every subscription whose period has ended by `asOf`,
 * close the period and invoice it (usage of the closed period in arrears,
 * licensed prices for the next period in advance, pending prorations), end
 * trials, apply cancellations scheduled for the period end, charge dunning
 * retries that are due and expire INCOMPLETE subscriptions.
 *
 * It works in batches of 500 subscriptions, each in its own transaction with
 * a fixed number of statements (one usage aggregation, multi-row inserts), so
 * 10,000 subscriptions are a few dozen round trips. Rows are claimed with
 * FOR UPDATE SKIP LOCKED and each period can be invoiced once (unique index),
 * so a run that is interrupted, retried or started twice never bills twice: it
 * continues where the other left off. Subscriptions more than one period
 * behind get one invoice per period, oldest first.
 */
import { type Identity, ValidationError } from '@platform/core';
import { billingTables as b, inScope, rowsOf, sqlArray, type Tx } from '@platform/db';
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { BillingInterval } from '../domain/intervals.js';
import { nextPeriod } from '../domain/intervals.js';
import { asActor, asTenant, type BillingDeps, requireTenant } from './deps.js';
import { idempotent } from './idempotency.js';
import { itemsDuring, licensedLines, meterAggregations, pendingItemsOf, pendingLines, usageFor, usageLines } from './invoice-lines.js';
import { type InvoiceDraft, transitionInvoice, writeInvoices } from './invoice-writer.js';
import type { PaymentService } from './payment.service.js';
import { loadSettings } from './settings.service.js';
import { INCOMPLETE_EXPIRY_MS } from './subscription.service.js';
import { currentItems, recordChange, type SubscriptionRow } from './subscription-state.js';

export const BILLING_BATCH = 500;

export interface BillingRunResult {
  asOf: Date;
  /** Periods closed (one per invoice of a renewing subscription). */
  periodsClosed: number;
  invoicesCreated: number;
  trialsEnded: number;
  canceledAtPeriodEnd: number;
  paymentRetries: number;
  incompleteExpired: number;
}

export type ProgressReporter = (progress: { periodsClosed: number; invoicesCreated: number }) => void;

export class BillingRunService {
  constructor(
    private readonly deps: BillingDeps,
    private readonly payments: PaymentService,
  ) {}

  /** The mutation: the caller's tenant, up to now (or an earlier `asOf`). */
  async run(actor: Identity, options: { asOf?: Date | null; idempotencyKey?: string | null } = {}): Promise<BillingRunResult> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    const asOf = options.asOf ?? now;
    if (Number.isNaN(asOf.getTime())) throw ValidationError.single('asOf', 'is not a valid date');
    if (asOf.getTime() > now.getTime()) throw ValidationError.single('asOf', 'cannot be in the future: periods are closed once they have ended');
    if (options.idempotencyKey) {
      // The key guards the whole run; the run itself is already safe to repeat.
      const replay = await asActor(this.deps, actor, (tx) =>
        idempotent(tx, { tenantId, key: options.idempotencyKey, operation: 'runBilling', input: { asOf: options.asOf ?? null }, now }, async () => ({ claimed: true })),
      );
      if (replay.replayed) return { asOf, periodsClosed: 0, invoicesCreated: 0, trialsEnded: 0, canceledAtPeriodEnd: 0, paymentRetries: 0, incompleteExpired: 0 };
    }
    return this.runTenant(tenantId, asOf);
  }

  /** Runs every tenant that has work due (the scheduler). */
  async runDue(asOf = this.deps.now()): Promise<Map<string, BillingRunResult>> {
    const tenants = await inScope(this.deps.db, { tenantId: null, accountId: null }, async (tx) =>
      rowsOf<{ tenant_id: string }>(await tx.execute(sql`SELECT tenant_id FROM billing.tenants_with_due_work(${asOf.toISOString()}::timestamptz) AS tenant_id`)),
    );
    const results = new Map<string, BillingRunResult>();
    for (const { tenant_id } of tenants) results.set(tenant_id, await this.runTenant(tenant_id, asOf));
    return results;
  }

  async runTenant(tenantId: string, asOf: Date, onProgress?: ProgressReporter): Promise<BillingRunResult> {
    const result: BillingRunResult = { asOf, periodsClosed: 0, invoicesCreated: 0, trialsEnded: 0, canceledAtPeriodEnd: 0, paymentRetries: 0, incompleteExpired: 0 };
    for (;;) {
      const done = await asTenant(this.deps, tenantId, (tx) => this.closeBatch(tx, tenantId, asOf, result));
      onProgress?.(result);
      // A batch that claimed anything may have left subscriptions still behind (several periods due).
      if (done === 0) break;
    }
    await asTenant(this.deps, tenantId, async (tx) => {
      result.incompleteExpired = await this.expireIncomplete(tx, asOf);
      result.paymentRetries = await this.payments.retryDuePayments(tx, tenantId, asOf, await loadSettings(tx, tenantId));
    });
    return result;
  }

  /** Closes one period of up to BILLING_BATCH due subscriptions; returns how many it claimed. */
  private async closeBatch(tx: Tx, tenantId: string, asOf: Date, result: BillingRunResult): Promise<number> {
    const due = rowsOf<{ id: string }>(
      await tx.execute(sql`
        SELECT id FROM billing.subscriptions
        WHERE status IN ('ACTIVE', 'PAST_DUE', 'TRIALING') AND current_period_end <= ${asOf.toISOString()}::timestamptz
        ORDER BY current_period_end, id LIMIT ${BILLING_BATCH} FOR UPDATE SKIP LOCKED`),
    );
    if (due.length === 0) return 0;
    const subscriptions = await tx
      .select()
      .from(b.subscriptions)
      .where(
        inArray(
          b.subscriptions.id,
          due.map((d) => d.id),
        ),
      );
    const settings = await loadSettings(tx, tenantId);
    const items = await itemsDuring(tx, subscriptions);
    const pending = await pendingItemsOf(
      tx,
      due.map((d) => d.id),
    );
    const aggregations = await meterAggregations(tx);
    const renewing = subscriptions.filter((s) => s.status !== 'TRIALING');
    const usage = await usageFor(
      tx,
      renewing.map((s) => ({ customerId: s.customerId, items: items.get(s.id) ?? [], period: { start: s.currentPeriodStart, end: s.currentPeriodEnd } })),
      aggregations,
    );

    const drafts: InvoiceDraft[] = [];
    const advanced: { id: string; start: Date; end: Date }[] = [];
    const statusChanges: { subscription: SubscriptionRow; to: 'ACTIVE' | 'CANCELED'; reason: string; set: Partial<SubscriptionRow> }[] = [];
    for (const subscription of subscriptions) {
      const subItems = items.get(subscription.id) ?? [];
      const subPending = pending.get(subscription.id) ?? [];
      const closed = { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd };
      const ending = subscription.cancelAtPeriodEnd;
      const next = ending ? null : nextPeriod(subscription.billingCycleAnchor, subscription.interval as BillingInterval, subscription.intervalCount, closed.end);
      // Trial usage is free; after a trial only the first paid period is billed.
      const lines = [
        ...(subscription.status === 'TRIALING' ? [] : usageLines(subItems, closed, usage)),
        ...(next ? licensedLines(subItems, next) : []),
        ...pendingLines(subPending),
      ];
      drafts.push({
        customerId: subscription.customerId,
        subscriptionId: subscription.id,
        currency: subscription.currency,
        billingReason: 'SUBSCRIPTION_CYCLE',
        periodStart: closed.start,
        periodEnd: closed.end,
        lines,
        pendingItemIds: subPending.map((p) => p.id),
      });
      if (ending) {
        statusChanges.push({ subscription, to: 'CANCELED', reason: 'canceled_at_period_end', set: { endedAt: closed.end, cancelAtPeriodEnd: false } });
      } else {
        advanced.push({ id: subscription.id, start: next!.start, end: next!.end });
        if (subscription.status === 'TRIALING') statusChanges.push({ subscription, to: 'ACTIVE', reason: 'trial_ended', set: {} });
      }
    }
    // A period with nothing to bill (a trial ending on a metered-only plan) still closes, without an invoice.
    const billable = drafts.filter((d) => d.lines.length > 0);
    const invoices = await writeInvoices(tx, billable, { tenantId, settings, now: this.deps.now(), provider: this.deps.paymentProvider });
    if (advanced.length > 0) {
      await tx.execute(sql`
        UPDATE billing.subscriptions s SET current_period_start = v.period_start::timestamptz, current_period_end = v.period_end::timestamptz, updated_at = ${this.deps.now().toISOString()}::timestamptz
        FROM unnest(${sqlArray(advanced.map((a) => a.id))}::uuid[], ${sqlArray(advanced.map((a) => a.start.toISOString()))}::text[],
                    ${sqlArray(advanced.map((a) => a.end.toISOString()))}::text[]) AS v(id, period_start, period_end)
        WHERE s.id = v.id`);
    }
    if (statusChanges.length > 0) {
      const current = await currentItems(
        tx,
        statusChanges.map((c) => c.subscription.id),
      );
      const periods = new Map(advanced.map((a) => [a.id, a]));
      for (const change of statusChanges) {
        const [fresh] = await tx.select().from(b.subscriptions).where(eq(b.subscriptions.id, change.subscription.id));
        await recordChange(tx, fresh!, {
          kind: 'STATUS',
          status: change.to,
          reason: change.reason,
          at: change.to === 'CANCELED' ? change.subscription.currentPeriodEnd : (periods.get(change.subscription.id)?.start ?? asOf),
          items: current.get(change.subscription.id) ?? [],
          set: change.set,
        });
        if (change.to === 'ACTIVE') result.trialsEnded++;
        else result.canceledAtPeriodEnd++;
      }
    }
    result.periodsClosed += subscriptions.length;
    result.invoicesCreated += invoices.length;
    return due.length;
  }

  /** INCOMPLETE subscriptions whose first invoice went unpaid for 23 hours are canceled and the invoice voided. */
  private async expireIncomplete(tx: Tx, asOf: Date): Promise<number> {
    const expired = await tx
      .select()
      .from(b.subscriptions)
      .where(and(eq(b.subscriptions.status, 'INCOMPLETE'), lte(b.subscriptions.createdAt, new Date(asOf.getTime() - INCOMPLETE_EXPIRY_MS))))
      .for('update', { skipLocked: true });
    if (expired.length === 0) return 0;
    const items = await currentItems(
      tx,
      expired.map((s) => s.id),
    );
    for (const subscription of expired) {
      const open = await tx
        .select()
        .from(b.invoices)
        .where(and(eq(b.invoices.subscriptionId, subscription.id), inArray(b.invoices.status, ['DRAFT', 'OPEN'])));
      for (const invoice of open) await transitionInvoice(tx, invoice, 'VOID', asOf, { voidedAt: asOf, nextPaymentAttemptAt: null, amountDueMinor: 0 });
      await recordChange(tx, subscription, {
        kind: 'STATUS',
        status: 'CANCELED',
        reason: 'incomplete_expired',
        at: asOf,
        items: items.get(subscription.id) ?? [],
        set: { endedAt: asOf, canceledAt: asOf },
      });
    }
    return expired.length;
  }
}
