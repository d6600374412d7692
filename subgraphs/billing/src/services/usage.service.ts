/**
 * Metered usage. Events arrive in batches (up to 5,000) and are stored with
 * one multi-row insert; the (meter, identifier) unique index makes ingestion
 * idempotent: a repeated identifier is ignored and reported as a duplicate,
 * whenever it comes back (Stripe forgets identifiers after 24 hours; keeping
 * them longer only makes the guarantee stronger). Timestamps may be up to 35
 * days old (late reporting) and at most 5 minutes ahead (clock skew).
 *
 * Validation is all-or-nothing per batch: usage moves money, so a batch with
 * one bad event is refused whole, with every bad event named by its index,
 * and the client resends it corrected (the identifiers make that safe).
 */
import { type Identity, ValidationError } from '@platform/core';
import { billingTables as b, isUuid, rowsOf, sqlArray, type Tx } from '@platform/db';
import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { MeterAggregation } from '../domain/pricing.js';
import { chargeFor } from '../domain/pricing.js';
import { asActor, type BillingDeps, DAY_MS, requireTenant } from './deps.js';
import { describeItem, usageFor } from './invoice-lines.js';
import { currentItems, termsOf } from './subscription-state.js';

export interface UsageEventInput {
  /** The meter's event name, e.g. `api_calls`. */
  meter: string;
  customerId: string;
  /** Whole units, ≥ 0. */
  quantity: number;
  /** When the usage happened; defaults to now. */
  timestamp?: Date | null;
  /** The client's unique id for this event: a second event with the same identifier is ignored. */
  identifier: string;
}

export const MAX_USAGE_BATCH = 5_000;
export const USAGE_BACKDATE_LIMIT_MS = 35 * DAY_MS;
export const USAGE_FUTURE_TOLERANCE_MS = 5 * 60_000;
const INSERT_CHUNK = 5_000;

export interface UsageIngestResult {
  accepted: number;
  duplicates: number;
}

export interface MeterUsage {
  meterId: string;
  meterEventName: string;
  aggregation: MeterAggregation;
  subscriptionItemId: string;
  description: string;
  periodStart: Date;
  periodEnd: Date;
  quantity: number;
  /** What the usage would cost if the period closed now. */
  amountMinor: number;
  currency: string;
}

export class UsageService {
  constructor(private readonly deps: BillingDeps) {}

  record(actor: Identity, events: UsageEventInput[]): Promise<UsageIngestResult> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    if (events.length === 0 || events.length > MAX_USAGE_BATCH) throw ValidationError.single('events', `must hold 1–${MAX_USAGE_BATCH} events`);
    return asActor(this.deps, actor, async (tx) => {
      const meterNames = [...new Set(events.map((e) => e.meter))];
      const meters = await tx.select({ id: b.meters.id, eventName: b.meters.eventName }).from(b.meters).where(inArray(b.meters.eventName, meterNames));
      const meterId = new Map(meters.map((m) => [m.eventName, m.id]));
      const customerIds = [...new Set(events.map((e) => e.customerId).filter(isUuid))];
      const customers = customerIds.length
        ? await tx
            .select({ id: b.customers.id })
            .from(b.customers)
            .where(and(inArray(b.customers.id, customerIds), isNull(b.customers.archivedAt)))
        : [];
      const knownCustomers = new Set(customers.map((c) => c.id));
      const errors: { path: string; message: string }[] = [];
      const seen = new Set<string>();
      const rows: (typeof b.usageEvents.$inferInsert)[] = [];
      events.forEach((event, i) => {
        const at = event.timestamp ?? now;
        const meter = meterId.get(event.meter);
        if (!meter) errors.push({ path: `events.${i}.meter`, message: `no meter is named "${event.meter}"` });
        if (!knownCustomers.has(event.customerId)) errors.push({ path: `events.${i}.customerId`, message: `unknown customer ${event.customerId}` });
        if (!Number.isSafeInteger(event.quantity) || event.quantity < 0) errors.push({ path: `events.${i}.quantity`, message: `must be a whole number ≥ 0, got ${event.quantity}` });
        if (Number.isNaN(at.getTime())) errors.push({ path: `events.${i}.timestamp`, message: 'is not a valid date' });
        else if (at.getTime() < now.getTime() - USAGE_BACKDATE_LIMIT_MS) errors.push({ path: `events.${i}.timestamp`, message: 'is more than 35 days in the past' });
        else if (at.getTime() > now.getTime() + USAGE_FUTURE_TOLERANCE_MS) errors.push({ path: `events.${i}.timestamp`, message: 'is in the future' });
        const identifier = event.identifier?.trim() ?? '';
        if (identifier.length < 1 || identifier.length > 255) errors.push({ path: `events.${i}.identifier`, message: 'must be 1–255 characters' });
        if (!meter) return;
        const key = `${meter}\u0000${identifier}`;
        // A repeat inside the batch is a duplicate like a repeat of a stored event.
        if (seen.has(key)) return;
        seen.add(key);
        rows.push({ tenantId, meterId: meter, customerId: event.customerId, identifier, quantity: event.quantity, occurredAt: at, receivedAt: now });
      });
      if (errors.length > 0) throw new ValidationError(errors.slice(0, 100), `${errors.length} usage event(s) are not valid; nothing was recorded`);
      // One unnest statement per chunk: building a 1,000-row insert with drizzle cost ~8× the CPU.
      let accepted = 0;
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        const inserted = rowsOf<{ id: number }>(
          await tx.execute(sql`
            INSERT INTO billing.usage_events (tenant_id, meter_id, customer_id, identifier, quantity, occurred_at, received_at)
            SELECT ${tenantId}::uuid, v.meter_id, v.customer_id, v.identifier, v.quantity::bigint, v.occurred_at::timestamptz, ${now.toISOString()}::timestamptz
            FROM unnest(${sqlArray(chunk.map((r) => r.meterId))}::uuid[], ${sqlArray(chunk.map((r) => r.customerId))}::uuid[],
                        ${sqlArray(chunk.map((r) => r.identifier))}::text[], ${sqlArray(chunk.map((r) => String(r.quantity)))}::text[],
                        ${sqlArray(chunk.map((r) => (r.occurredAt as Date).toISOString()))}::text[])
              AS v(meter_id, customer_id, identifier, quantity, occurred_at)
            ON CONFLICT DO NOTHING RETURNING id`),
        );
        accepted += inserted.length;
      }
      return { accepted, duplicates: events.length - accepted };
    });
  }
}

/**
 * The current period's usage of each subscription's metered items, aggregated
 * by each meter's formula exactly as the invoice will be, and what it would
 * cost if the period closed now; by subscription id, for a batch of
 * subscriptions at once (BillingSubscription.currentUsage's loader). A
 * subscription without metered items, or not visible, has none.
 */
export async function currentUsage(tx: Tx, subscriptionIds: string[]): Promise<Map<string, MeterUsage[]>> {
  const bySubscription = new Map<string, MeterUsage[]>();
  const subscriptions = subscriptionIds.length === 0 ? [] : await tx.select().from(b.subscriptions).where(inArray(b.subscriptions.id, subscriptionIds));
  const items = await currentItems(tx, subscriptions.map((s) => s.id));
  const metered = subscriptions
    .map((subscription) => ({ subscription, items: (items.get(subscription.id) ?? []).filter((e) => e.price.meterId) }))
    .filter((m) => m.items.length > 0);
  if (metered.length === 0) return bySubscription;
  const meterIds = [...new Set(metered.flatMap((m) => m.items.map((e) => e.price.meterId!)))];
  const meters = await tx.select().from(b.meters).where(inArray(b.meters.id, meterIds));
  const meterById = new Map(meters.map((m) => [m.id, m]));
  const aggregations = new Map(meters.map((m) => [m.id, m.aggregation as MeterAggregation]));
  // The whole current period: what has been recorded in it so far (events up to 5 minutes ahead of now are accepted).
  const usage = await usageFor(
    tx,
    metered.map(({ subscription, items }) => ({ customerId: subscription.customerId, items, period: { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd } })),
    aggregations,
  );
  for (const { subscription, items } of metered) {
    bySubscription.set(
      subscription.id,
      items.map((entry) => {
        const meter = meterById.get(entry.price.meterId!)!;
        const quantity = usage.get(entry.item.id) ?? 0;
        return {
          meterId: meter.id,
          meterEventName: meter.eventName,
          aggregation: meter.aggregation as MeterAggregation,
          subscriptionItemId: entry.item.id,
          description: describeItem(entry),
          periodStart: subscription.currentPeriodStart,
          periodEnd: subscription.currentPeriodEnd,
          quantity,
          amountMinor: chargeFor(termsOf(entry.price), quantity).amountMinor,
          currency: subscription.currency,
        };
      }),
    );
  }
  return bySubscription;
}
