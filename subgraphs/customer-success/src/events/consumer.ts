/**
 * The durable consumer of other subgraphs' events that feed health scores:
 * product usage from analytics, payment outcomes from billing. The event bus
 * calls `handle` inside a transaction already scoped to the event's tenant and
 * records the checkpoint in it, so the stored input, the recomputed score and
 * its outbox events commit together, exactly once. A malformed payload or an
 * unknown/archived customer is a DomainError, which the bus treats as a
 * permanent rejection.
 */
import { NotFoundError, ValidationError } from '@platform/core';
import { type EventPayload, parseEventPayload } from '@platform/core/events/catalog';
import { customerSuccessTables as cs, type EventConsumer, type StoredEvent, type Tx } from '@platform/db';
import { eq } from 'drizzle-orm';
import { type CustomerRow, findCustomer } from '../services/customer-lookup.js';
import { DAY_MS } from '../services/deps.js';
import type { HealthService } from '../services/health.service.js';

export const CONSUMER_NAME = 'customer-success';
export const CONSUMED_EVENT_TYPES = ['usage.recorded@1', 'payment.failed@1', 'invoice.paid@1'] as const;

export function createEventConsumer(health: HealthService): EventConsumer {
  return {
    name: CONSUMER_NAME,
    checkpoints: cs.eventCheckpoints,
    types: CONSUMED_EVENT_TYPES,
    handle: (tx, event) => handleInputEvent(health, tx, event),
  };
}

/** Stores the event's input and, when it changed anything, recomputes the customer's health. */
export async function handleInputEvent(health: HealthService, tx: Tx, event: StoredEvent): Promise<void> {
  let customerId: string;
  let changed: boolean;
  switch (event.type) {
    case 'usage.recorded@1': {
      const payload = parseEventPayload('usage.recorded@1', event.payload);
      customerId = (await activeCustomer(tx, payload.customerId)).id;
      changed = await storeUsage(tx, event, payload);
      break;
    }
    case 'payment.failed@1': {
      const payload = parseEventPayload('payment.failed@1', event.payload);
      customerId = (await activeCustomer(tx, payload.customerId)).id;
      changed = await storePayment(tx, event, {
        customerId,
        invoiceId: payload.invoiceId,
        kind: 'FAILED',
        attempt: payload.attempt,
        amountMinor: payload.amountMinor,
        currency: payload.currency,
        occurredAt: new Date(payload.failedAt),
        dueAt: null,
        daysLate: null,
        failureCode: payload.failureCode,
        paymentId: payload.paymentId,
      });
      break;
    }
    case 'invoice.paid@1': {
      const payload = parseEventPayload('invoice.paid@1', event.payload);
      customerId = (await activeCustomer(tx, payload.customerId)).id;
      const paidAt = new Date(payload.paidAt);
      const dueAt = payload.dueAt ? new Date(payload.dueAt) : null;
      changed = await storePayment(tx, event, {
        customerId,
        invoiceId: payload.invoiceId,
        kind: 'PAID',
        attempt: 0,
        amountMinor: payload.amountMinor,
        currency: payload.currency,
        occurredAt: paidAt,
        dueAt,
        // Whole days after the due date; 0 when paid on time, unknown without a due date.
        daysLate: dueAt ? Math.max(0, Math.floor((paidAt.getTime() - dueAt.getTime()) / DAY_MS)) : null,
        failureCode: null,
        paymentId: null,
      });
      break;
    }
    default:
      throw ValidationError.single('type', `customer-success does not consume ${event.type}`);
  }
  if (changed) await health.recompute(tx, event.tenantId, customerId, event.type);
}

/** Other tenants' customers are invisible under RLS, so they are unknown here too. */
async function activeCustomer(tx: Tx, customerId: string): Promise<CustomerRow> {
  const customer = await findCustomer(tx, customerId);
  if (!customer || customer.archivedAt) throw new NotFoundError('Customer', customerId);
  return customer;
}

/** Keeps the latest period only: an older or equal-but-earlier-recorded snapshot changes nothing. */
async function storeUsage(tx: Tx, event: StoredEvent, payload: EventPayload<'usage.recorded@1'>): Promise<boolean> {
  const periodEnd = new Date(payload.periodEnd);
  const [stored] = await tx.select().from(cs.usageSnapshots).where(eq(cs.usageSnapshots.customerId, payload.customerId)).for('update');
  if (stored) {
    const older = periodEnd.getTime() < stored.periodEnd.getTime();
    const sameButEarlier = periodEnd.getTime() === stored.periodEnd.getTime() && event.occurredAt.getTime() <= stored.sourceOccurredAt.getTime();
    if (older || sameButEarlier) return false;
  }
  const values = {
    periodStart: new Date(payload.periodStart),
    periodEnd,
    dailyActiveUsers: payload.dailyActiveUsers,
    weeklyActiveUsers: payload.weeklyActiveUsers,
    monthlyActiveUsers: payload.monthlyActiveUsers,
    licensedSeats: payload.licensedSeats,
    eventCount: payload.eventCount,
    sessionCount: payload.sessionCount,
    featuresUsed: [...new Set(payload.featuresUsed)],
    featuresAvailable: payload.featuresAvailable,
    lastActivityAt: payload.lastActivityAt ? new Date(payload.lastActivityAt) : null,
    sourceEventId: event.id,
    sourceOccurredAt: event.occurredAt,
    updatedAt: new Date(),
  };
  await tx
    .insert(cs.usageSnapshots)
    .values({ customerId: payload.customerId, tenantId: event.tenantId, ...values })
    .onConflictDoUpdate({ target: cs.usageSnapshots.customerId, set: values });
  return true;
}

type PaymentValues = Omit<typeof cs.paymentEvents.$inferInsert, 'tenantId' | 'sourceEventId'>;

/** One row per (invoice, kind, attempt): a redelivered or re-emitted event counts once. */
async function storePayment(tx: Tx, event: StoredEvent, values: PaymentValues): Promise<boolean> {
  const inserted = await tx
    .insert(cs.paymentEvents)
    .values({ ...values, tenantId: event.tenantId, sourceEventId: event.id })
    .onConflictDoNothing()
    .returning({ id: cs.paymentEvents.id });
  return inserted.length > 0;
}
