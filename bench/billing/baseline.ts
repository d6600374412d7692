/**
 * The naive baseline the billing run is compared with: the same work done one
 * subscription at a time, each in its own transaction, the way a first
 * implementation (or a loop over `SubscriptionService`-style calls) bills.
 * It uses the billing run's own helpers (items, usage aggregation, invoice
 * lines, invoice writer with numbering, finalisation and the charge request),
 * so the only difference measured is batching: BILLING_BATCH = 1 instead of
 * 500. Only what the seeded data needs (ACTIVE subscriptions renewing) is
 * handled; trials and scheduled cancellations are not seeded.
 */
import { sandboxPaymentProvider } from '@platform/billing';
import { type BillingInterval, nextPeriod } from '@platform/billing/domain/intervals';
import { itemsDuring, licensedLines, meterAggregations, pendingItemsOf, pendingLines, usageFor, usageLines } from '@platform/billing/services/invoice-lines';
import { writeInvoices } from '@platform/billing/services/invoice-writer';
import { loadSettings } from '@platform/billing/services/settings.service';
import { type AppDatabase, inScope, transactionExecutor } from '../../db/src/index.js';

interface DueRow {
  id: string;
  customer_id: string;
  currency: string;
  billing_cycle_anchor: string | Date;
  interval: BillingInterval;
  interval_count: number;
  current_period_start: string | Date;
  current_period_end: string | Date;
}

/** Bills every due ACTIVE subscription of the tenant, one transaction each; returns invoices written. */
export async function billOneAtATime(db: AppDatabase, tenantId: string, asOf: Date, onProgress?: (done: number, total: number) => void): Promise<number> {
  const provider = sandboxPaymentProvider();
  const scope = { tenantId, accountId: null };
  const due = await inScope(db, scope, async (tx) =>
    (
      await transactionExecutor(tx).executeSql(
        `SELECT id FROM billing.subscriptions WHERE status = 'ACTIVE' AND current_period_end <= $1 ORDER BY current_period_end, id`,
        [asOf],
      )
    ).rows.map((r) => String(r.id)),
  );
  let invoices = 0;
  for (const [n, id] of due.entries()) {
    await inScope(db, scope, async (tx) => {
      const q = transactionExecutor(tx);
      const [row] = (await q.executeSql('SELECT * FROM billing.subscriptions WHERE id = $1 FOR UPDATE', [id])).rows as unknown as DueRow[];
      const closed = { start: new Date(row!.current_period_start), end: new Date(row!.current_period_end) };
      const subscription = { id, currentPeriodStart: closed.start };
      const settings = await loadSettings(tx, tenantId);
      const items = (await itemsDuring(tx, [subscription])).get(id) ?? [];
      const pending = (await pendingItemsOf(tx, [id])).get(id) ?? [];
      const usage = await usageFor(tx, [{ customerId: row!.customer_id, items, period: closed }], await meterAggregations(tx));
      const next = nextPeriod(new Date(row!.billing_cycle_anchor), row!.interval, Number(row!.interval_count), closed.end);
      const lines = [...usageLines(items, closed, usage), ...licensedLines(items, next), ...pendingLines(pending)];
      const written = await writeInvoices(
        tx,
        [
          {
            customerId: row!.customer_id,
            subscriptionId: id,
            currency: row!.currency,
            billingReason: 'SUBSCRIPTION_CYCLE',
            periodStart: closed.start,
            periodEnd: closed.end,
            lines,
            pendingItemIds: pending.map((p) => p.id),
          },
        ],
        { tenantId, settings, now: new Date(), provider },
      );
      await q.executeSql('UPDATE billing.subscriptions SET current_period_start = $2, current_period_end = $3, updated_at = now() WHERE id = $1', [id, next.start, next.end]);
      invoices += written.length;
    });
    onProgress?.(n + 1, due.length);
  }
  return invoices;
}
