/**
 * The catalogue of domain events that cross subgraph boundaries. Each type is
 * versioned (`name@version`): a change to a payload that is not purely additive
 * gets a new version, and producers keep emitting the old one until every
 * consumer reads the new. Payloads are validated with these schemas where they
 * enter a consumer, so a malformed event is refused with a typed error instead
 * of corrupting state.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';

const id = z.string().uuid();
const isoDate = z.string().datetime({ offset: true });
const band = z.enum(['RED', 'YELLOW', 'GREEN']);
const riskLevel = z.enum(['VERY_LOW', 'LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH']);
const factorScores = z.object({
  usage: z.number().min(0).max(100).nullable(),
  engagement: z.number().min(0).max(100).nullable(),
  support: z.number().min(0).max(100).nullable(),
  financial: z.number().min(0).max(100).nullable(),
});
const subscriptionStatus = z.enum(['TRIALING', 'ACTIVE', 'PAST_DUE', 'UNPAID', 'CANCELED', 'INCOMPLETE', 'PAUSED']);
const invoiceStatus = z.enum(['DRAFT', 'OPEN', 'PAID', 'VOID', 'UNCOLLECTIBLE']);
const customerFields = {
  customerId: id,
  name: z.string(),
  domain: z.string().nullable(),
  segment: z.string(),
  lifecycleStage: z.string(),
  ownerUserId: id.nullable(),
};

export const EVENT_SCHEMAS = {
  // customer-success
  'customer.created@1': z.object(customerFields),
  'customer.updated@1': z.object({ ...customerFields, changed: z.array(z.string()) }),
  'customer.archived@1': z.object({ customerId: id }),
  'health_score.changed@1': z.object({
    customerId: id,
    healthScoreId: id,
    score: z.number().int().min(0).max(100),
    band,
    previousScore: z.number().int().min(0).max(100).nullable(),
    previousBand: band.nullable(),
    trend: z.enum(['IMPROVING', 'DECLINING', 'STABLE', 'NEW']),
    factors: factorScores,
    /** The event type or action that caused the recomputation. */
    cause: z.string(),
    computedAt: isoDate,
  }),
  'churn_risk.changed@1': z.object({
    customerId: id,
    churnRiskId: id,
    probability: z.number().min(0).max(1),
    level: riskLevel,
    previousLevel: riskLevel.nullable(),
    method: z.enum(['LOGISTIC_REGRESSION', 'RULE_BASED']),
    predictedChurnDate: isoDate.nullable(),
    computedAt: isoDate,
  }),
  'playbook.triggered@1': z.object({ runId: id, playbookId: id, customerId: id, trigger: z.string() }),
  'playbook.step_completed@1': z.object({
    runId: id,
    playbookId: id,
    customerId: id,
    stepId: id,
    stepIndex: z.number().int().min(0),
    stepTitle: z.string(),
    completedByUserId: id.nullable(),
    completedAt: isoDate,
    runCompleted: z.boolean(),
  }),
  // analytics (producer arrives with the analytics subgraph; the contract is fixed here)
  'usage.recorded@1': z.object({
    customerId: id,
    periodStart: isoDate,
    periodEnd: isoDate,
    dailyActiveUsers: z.number().int().min(0),
    weeklyActiveUsers: z.number().int().min(0),
    monthlyActiveUsers: z.number().int().min(0),
    /** Seats the customer pays for; null when unknown. */
    licensedSeats: z.number().int().min(0).nullable(),
    eventCount: z.number().int().min(0),
    sessionCount: z.number().int().min(0),
    /** Distinct product features used in the period. */
    featuresUsed: z.array(z.string().min(1).max(200)).max(1000),
    /** How many features the product has; null when unknown. */
    featuresAvailable: z.number().int().min(1).nullable(),
    lastActivityAt: isoDate.nullable(),
  }),
  // billing
  'subscription.status_changed@1': z.object({
    subscriptionId: id,
    customerId: id,
    /** null when the subscription was just created. */
    from: subscriptionStatus.nullable(),
    to: subscriptionStatus,
    reason: z.string(),
    mrrMinor: z.number().int().min(0),
    currency: z.string().length(3),
    occurredAt: isoDate,
  }),
  'invoice.status_changed@1': z.object({
    invoiceId: id,
    customerId: id,
    subscriptionId: id.nullable(),
    number: z.string().nullable(),
    from: invoiceStatus.nullable(),
    to: invoiceStatus,
    totalMinor: z.number().int(),
    amountDueMinor: z.number().int().min(0),
    currency: z.string().length(3),
    occurredAt: isoDate,
  }),
  'platform_cost.budget_alert@1': z.object({
    month: z.string().regex(/^\d{4}-\d{2}$/),
    thresholdPct: z.number().int().min(1),
    spendMinor: z.number().int().min(0),
    budgetMinor: z.number().int().min(0),
    currency: z.string().length(3),
  }),
  'payment.failed@1': z.object({
    customerId: id,
    invoiceId: id,
    paymentId: z.string().min(1),
    amountMinor: z.number().int().min(0),
    currency: z.string().length(3),
    attempt: z.number().int().min(1),
    failureCode: z.string().nullable(),
    failedAt: isoDate,
    nextRetryAt: isoDate.nullable(),
  }),
  'invoice.paid@1': z.object({
    customerId: id,
    invoiceId: id,
    amountMinor: z.number().int().min(0),
    currency: z.string().length(3),
    paidAt: isoDate,
    dueAt: isoDate.nullable(),
  }),
} as const;

export type DomainEventType = keyof typeof EVENT_SCHEMAS;
export type EventPayload<T extends DomainEventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

export function isKnownEventType(type: string): type is DomainEventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

/** Validates a payload against its type's schema; throws ValidationError naming the bad fields. */
export function parseEventPayload<T extends DomainEventType>(type: T, payload: unknown): EventPayload<T> {
  const result = EVENT_SCHEMAS[type].safeParse(payload);
  if (!result.success) {
    const fieldErrors = result.error.issues.map((issue) => ({ path: ['payload', ...issue.path.map(String)].join('.'), message: issue.message }));
    throw new ValidationError(fieldErrors, `Malformed ${type} event`);
  }
  return result.data as EventPayload<T>;
}
