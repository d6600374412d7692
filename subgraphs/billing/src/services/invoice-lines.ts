/**
 * What goes on a subscription's invoice. Licensed prices (flat, per seat,
 * graduated over quantity) are billed in advance for the coming period;
 * metered prices in arrears for the period that closed, from the usage their
 * meter aggregated over exactly the time each item existed in it; pending
 * items (prorations, carried credit) ride along on the next invoice.
 */
import { billingTables as b, rowsOf, sqlArray, type Tx } from '@platform/db';
import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { MeterAggregation } from '../domain/pricing.js';
import { chargeFor } from '../domain/pricing.js';
import type { DraftLine } from './invoice-writer.js';
import { type ItemWithPrice, isMetered, licensedAmount, termsOf } from './subscription-state.js';

export type PendingItemRow = typeof b.pendingItems.$inferSelect;

export interface Period {
  start: Date;
  end: Date;
}

export function describeItem({ item, price, planName }: ItemWithPrice): string {
  const name = price.nickname ? `${planName} (${price.nickname})` : planName;
  return price.model === 'PER_SEAT' || (price.model === 'GRADUATED' && !price.meterId) ? `${name} × ${item.quantity}` : name;
}

/** SUBSCRIPTION lines: every licensed item for the period ahead. */
export function licensedLines(items: ItemWithPrice[], period: Period): DraftLine[] {
  return items
    .filter((entry) => !isMetered(entry.price) && entry.item.deletedAt === null)
    .map((entry) => ({
      kind: 'SUBSCRIPTION' as const,
      description: describeItem(entry),
      priceId: entry.price.id,
      subscriptionItemId: entry.item.id,
      quantity: entry.item.quantity,
      unitAmountMinor: entry.price.model === 'GRADUATED' ? null : entry.price.unitAmountMinor,
      amountMinor: licensedAmount(entry),
      periodStart: period.start,
      periodEnd: period.end,
    }));
}

/** The part of `period` during which the item existed. */
export function usageWindow(entry: ItemWithPrice, period: Period): Period | null {
  const start = new Date(Math.max(period.start.getTime(), entry.item.createdAt.getTime()));
  const end = new Date(Math.min(period.end.getTime(), (entry.item.deletedAt ?? period.end).getTime()));
  return start < end ? { start, end } : null;
}

/** USAGE lines: each metered item's aggregated usage over its window, charged by its price. */
export function usageLines(items: ItemWithPrice[], period: Period, usage: Map<string, number>): DraftLine[] {
  const lines: DraftLine[] = [];
  for (const entry of items) {
    if (!isMetered(entry.price)) continue;
    const window = usageWindow(entry, period);
    if (!window) continue;
    const quantity = usage.get(entry.item.id) ?? 0;
    lines.push({
      kind: 'USAGE',
      description: `${describeItem(entry)}: usage`,
      priceId: entry.price.id,
      subscriptionItemId: entry.item.id,
      quantity,
      unitAmountMinor: entry.price.model === 'METERED' ? entry.price.unitAmountMinor : null,
      amountMinor: chargeFor(termsOf(entry.price), quantity).amountMinor,
      periodStart: window.start,
      periodEnd: window.end,
    });
  }
  return lines;
}

export function pendingLines(pending: PendingItemRow[]): DraftLine[] {
  return pending.map((p) => ({
    kind: 'PRORATION' as const,
    description: p.description,
    priceId: p.priceId,
    quantity: p.quantity,
    amountMinor: p.amountMinor,
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
  }));
}

export interface UsageWindowRequest {
  /** The subscription item the figure is for. */
  itemId: string;
  customerId: string;
  meterId: string;
  aggregation: MeterAggregation;
  start: Date;
  end: Date;
}

/**
 * Every window's aggregate in one statement: SUM of quantities, COUNT of
 * events, or the LAST event's quantity (latest occurred_at, then latest
 * insert), over [start, end). The index on (customer_id, meter_id,
 * occurred_at) makes each window a range scan.
 */
export async function aggregateUsageWindows(tx: Tx, windows: UsageWindowRequest[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (windows.length === 0) return result;
  // One correlated subquery per window, each a range scan of the (customer_id, meter_id, occurred_at)
  // index; a join + GROUP BY made PostgreSQL scan the tenant's whole usage history for every batch.
  // JIT compilation (triggered by the large estimates) costs more than it saves here.
  await tx.execute(sql`SET LOCAL jit = off`);
  const rows = rowsOf<{ item_id: string; value: string | number | null }>(
    await tx.execute(sql`
      SELECT w.item_id,
        CASE w.aggregation
          WHEN 'SUM' THEN (SELECT coalesce(sum(u.quantity), 0) FROM billing.usage_events u
            WHERE u.customer_id = w.customer_id AND u.meter_id = w.meter_id AND u.occurred_at >= w.window_start::timestamptz AND u.occurred_at < w.window_end::timestamptz)
          WHEN 'COUNT' THEN (SELECT count(*) FROM billing.usage_events u
            WHERE u.customer_id = w.customer_id AND u.meter_id = w.meter_id AND u.occurred_at >= w.window_start::timestamptz AND u.occurred_at < w.window_end::timestamptz)
          ELSE coalesce((SELECT u.quantity FROM billing.usage_events u
            WHERE u.customer_id = w.customer_id AND u.meter_id = w.meter_id AND u.occurred_at >= w.window_start::timestamptz AND u.occurred_at < w.window_end::timestamptz
            ORDER BY u.occurred_at DESC, u.id DESC LIMIT 1), 0)
        END AS value
      FROM unnest(${sqlArray(windows.map((w) => w.itemId))}::uuid[], ${sqlArray(windows.map((w) => w.customerId))}::uuid[],
                  ${sqlArray(windows.map((w) => w.meterId))}::uuid[], ${sqlArray(windows.map((w) => w.aggregation))}::text[],
                  ${sqlArray(windows.map((w) => w.start.toISOString()))}::text[], ${sqlArray(windows.map((w) => w.end.toISOString()))}::text[])
        AS w(item_id, customer_id, meter_id, aggregation, window_start, window_end)`),
  );
  for (const row of rows) result.set(row.item_id, Number(row.value ?? 0));
  return result;
}

/** Usage windows for the metered items of subscriptions over their periods. */
export async function usageFor(tx: Tx, requests: { customerId: string; items: ItemWithPrice[]; period: Period }[], aggregations: Map<string, MeterAggregation>) {
  const windows: UsageWindowRequest[] = [];
  for (const { customerId, items, period } of requests) {
    for (const entry of items) {
      if (!entry.price.meterId) continue;
      const window = usageWindow(entry, period);
      if (!window) continue;
      windows.push({ itemId: entry.item.id, customerId, meterId: entry.price.meterId, aggregation: aggregations.get(entry.price.meterId) ?? 'SUM', ...window });
    }
  }
  return aggregateUsageWindows(tx, windows);
}

/** Meter aggregations by id (the tenant has few meters). */
export async function meterAggregations(tx: Tx): Promise<Map<string, MeterAggregation>> {
  const rows = await tx.select({ id: b.meters.id, aggregation: b.meters.aggregation }).from(b.meters);
  return new Map(rows.map((r) => [r.id, r.aggregation as MeterAggregation]));
}

/** Items that existed at some point of the period (current ones and those replaced during it), by subscription. */
export async function itemsDuring(tx: Tx, subscriptions: { id: string; currentPeriodStart: Date }[]): Promise<Map<string, ItemWithPrice[]>> {
  const byId = new Map<string, ItemWithPrice[]>();
  if (subscriptions.length === 0) return byId;
  const earliest = new Date(Math.min(...subscriptions.map((s) => s.currentPeriodStart.getTime())));
  const rows = await tx
    .select({ item: b.subscriptionItems, price: b.prices, planName: b.plans.name })
    .from(b.subscriptionItems)
    .innerJoin(b.prices, eq(b.prices.id, b.subscriptionItems.priceId))
    .innerJoin(b.plans, eq(b.plans.id, b.prices.planId))
    .where(
      and(
        inArray(
          b.subscriptionItems.subscriptionId,
          subscriptions.map((s) => s.id),
        ),
        or(isNull(b.subscriptionItems.deletedAt), gt(b.subscriptionItems.deletedAt, earliest)),
      ),
    );
  for (const row of rows) byId.set(row.item.subscriptionId, [...(byId.get(row.item.subscriptionId) ?? []), row]);
  return byId;
}

export async function pendingItemsOf(tx: Tx, subscriptionIds: string[]): Promise<Map<string, PendingItemRow[]>> {
  const byId = new Map<string, PendingItemRow[]>();
  if (subscriptionIds.length === 0) return byId;
  const rows = await tx
    .select()
    .from(b.pendingItems)
    .where(and(inArray(b.pendingItems.subscriptionId, subscriptionIds), isNull(b.pendingItems.invoiceId)))
    // Within one change, the credit for the old item comes before the charge for the new one.
    .orderBy(b.pendingItems.createdAt, b.pendingItems.amountMinor, b.pendingItems.id);
  for (const row of rows) byId.set(row.subscriptionId, [...(byId.get(row.subscriptionId) ?? []), row]);
  return byId;
}
