/**
 * Tables of the billing subgraph, in the PostgreSQL schema `billing`. Every
 * table carries `tenant_id` and is under forced row-level security (custom
 * migration `*_billing_rls.sql`). Money is always an integer number of minor
 * units (`bigint`, read as a JS number: the services reject amounts beyond
 * Number.MAX_SAFE_INTEGER) next to an ISO 4217 code. Enumerations are text
 * columns validated by the domain module and exposed as GraphQL enums.
 *
 * Customers belong to customer-success; billing keeps a projection of them
 * (`customers`), fed by `customer.*@1` events, so it never reads another
 * subgraph's tables.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { defineEventCheckpoints } from '../events/checkpoints.js';
import { defineOutbox } from '../outbox.js';

export const billing = pgSchema('billing');

const tenantId = () => uuid('tenant_id').notNull();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });
const minor = (name: string) => bigint(name, { mode: 'number' });
const currency = () => text('currency').notNull();

/** Billing's view of a customer-success customer (kept from `customer.*@1` events). */
export const customers = billing.table('customers', {
  id: uuid('id').primaryKey(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  archivedAt: at('archived_at'),
  /** Fixed by the first subscription, as in Stripe: every later subscription and invoice uses it. */
  currency: text('currency'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Per-tenant billing configuration; one row, created with defaults on first use. */
export const settings = billing.table('settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  /** The seller's name on invoices (the tenant's legal or trading name). */
  businessName: text('business_name'),
  defaultCurrency: text('default_currency').notNull().default('USD'),
  /** Tax rate in basis points (2,000 = 20 %), applied to every invoice's subtotal. */
  taxRateBps: integer('tax_rate_bps').notNull().default(0),
  taxLabel: text('tax_label').notNull().default('Tax'),
  /** Days between finalisation and the due date. */
  paymentTermsDays: integer('payment_terms_days').notNull().default(0),
  /** Retry offsets in days after the first failed charge. */
  dunningRetryDays: integer('dunning_retry_days').array().notNull().default(sql`'{3,5,7}'::integer[]`),
  /** MARK_UNPAID | CANCEL: what happens to the subscription when every retry has failed. */
  dunningFinalAction: text('dunning_final_action').notNull().default('MARK_UNPAID'),
  /** Finalise (number and charge) invoices the billing run creates, or leave them as drafts. */
  autoFinalize: boolean('auto_finalize').notNull().default(true),
  invoicePrefix: text('invoice_prefix').notNull().default('INV'),
  /** The next sequential invoice number; taken under a row lock at finalisation. */
  nextInvoiceNumber: integer('next_invoice_number').notNull().default(1),
  /** Signing secrets of the payment provider's webhooks: current and, during rotation, previous. */
  webhookSecret: text('webhook_secret'),
  previousWebhookSecret: text('previous_webhook_secret'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** A usage meter: what metered prices charge for. */
export const meters = billing.table(
  'meters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** The name usage events carry, e.g. `api_calls`. */
    eventName: text('event_name').notNull(),
    displayName: text('display_name').notNull(),
    /** SUM | COUNT | LAST */
    aggregation: text('aggregation').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('meters_event_name').on(t.tenantId, t.eventName)],
);

/** A product the tenant sells; its prices are the ways to pay for it. */
export const plans = billing.table('plans', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  description: text('description'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

/**
 * A price of a plan. Immutable once a subscription has used it: a new amount is
 * a new price (the services refuse edits of used prices).
 */
export const prices = billing.table(
  'prices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    nickname: text('nickname'),
    currency: currency(),
    /** FLAT | PER_SEAT | METERED | GRADUATED */
    model: text('model').notNull(),
    unitAmountMinor: minor('unit_amount_minor'),
    /** GRADUATED only: `Tier[]` of the domain module. */
    tiers: jsonb('tiers'),
    meterId: uuid('meter_id').references(() => meters.id),
    /** DAY | WEEK | MONTH | YEAR */
    interval: text('interval').notNull(),
    intervalCount: integer('interval_count').notNull().default(1),
    trialDays: integer('trial_days'),
    active: boolean('active').notNull().default(true),
    /** Set the first time a subscription uses the price; from then on it cannot change. */
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('prices_plan').on(t.planId), check('prices_unit_amount_non_negative', sql`${t.unitAmountMinor} IS NULL OR ${t.unitAmountMinor} >= 0`)],
);

export const subscriptions = billing.table(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    currency: currency(),
    /** TRIALING | ACTIVE | PAST_DUE | UNPAID | CANCELED | INCOMPLETE | PAUSED */
    status: text('status').notNull(),
    /** Periods are counted from this instant (month-end clamping is relative to it). */
    billingCycleAnchor: at('billing_cycle_anchor').notNull(),
    interval: text('interval').notNull(),
    intervalCount: integer('interval_count').notNull(),
    currentPeriodStart: at('current_period_start').notNull(),
    currentPeriodEnd: at('current_period_end').notNull(),
    trialStart: at('trial_start'),
    trialEnd: at('trial_end'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: at('canceled_at'),
    endedAt: at('ended_at'),
    pausedAt: at('paused_at'),
    /** Monthly recurring revenue of the subscription now, as last written to the MRR ledger. */
    mrrMinor: minor('mrr_minor').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('subscriptions_customer').on(t.customerId), index('subscriptions_due').on(t.tenantId, t.status, t.currentPeriodEnd)],
);

export const subscriptionItems = billing.table(
  'subscription_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    priceId: uuid('price_id')
      .notNull()
      .references(() => prices.id),
    quantity: integer('quantity').notNull().default(1),
    createdAt: createdAt(),
    /** Replaced by a plan change; kept so past invoices and usage stay explainable. */
    deletedAt: at('deleted_at'),
  },
  (t) => [index('subscription_items_subscription').on(t.subscriptionId), check('subscription_items_quantity', sql`${t.quantity} >= 0`)],
);

/**
 * The subscription ledger: every status transition and every change of what it
 * charges, with the subscription's MRR before and after. Revenue metrics are
 * computed from these rows only.
 */
export const subscriptionChanges = billing.table(
  'subscription_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    customerId: uuid('customer_id').notNull(),
    /** CREATED | STATUS | PLAN_CHANGE | QUANTITY_CHANGE | CANCEL_SCHEDULED | CANCEL_UNSCHEDULED */
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason').notNull(),
    currency: currency(),
    mrrBeforeMinor: minor('mrr_before_minor').notNull(),
    mrrAfterMinor: minor('mrr_after_minor').notNull(),
    occurredAt: at('occurred_at').notNull(),
    actorUserId: uuid('actor_user_id'),
  },
  (t) => [index('subscription_changes_tenant_time').on(t.tenantId, t.currency, t.occurredAt), index('subscription_changes_subscription').on(t.subscriptionId)],
);

/**
 * Metered usage. The identifier makes ingestion idempotent: a second event with
 * the same (meter, identifier) is ignored, however much later it arrives.
 */
export const usageEvents = billing.table(
  'usage_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    meterId: uuid('meter_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    identifier: text('identifier').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
    occurredAt: at('occurred_at').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('usage_events_identifier').on(t.tenantId, t.meterId, t.identifier),
    index('usage_events_period').on(t.customerId, t.meterId, t.occurredAt),
    check('usage_events_quantity', sql`${t.quantity} >= 0`),
  ],
);

export const invoices = billing.table(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    subscriptionId: uuid('subscription_id').references(() => subscriptions.id),
    /** Assigned at finalisation, sequential per tenant; null while a draft. */
    number: text('number'),
    /** DRAFT | OPEN | PAID | VOID | UNCOLLECTIBLE */
    status: text('status').notNull(),
    /** SUBSCRIPTION_CREATE | SUBSCRIPTION_CYCLE | SUBSCRIPTION_UPDATE */
    billingReason: text('billing_reason').notNull(),
    currency: currency(),
    periodStart: at('period_start'),
    periodEnd: at('period_end'),
    subtotalMinor: minor('subtotal_minor').notNull(),
    taxRateBps: integer('tax_rate_bps').notNull(),
    taxMinor: minor('tax_minor').notNull(),
    totalMinor: minor('total_minor').notNull(),
    amountPaidMinor: minor('amount_paid_minor').notNull().default(0),
    amountDueMinor: minor('amount_due_minor').notNull(),
    dueAt: at('due_at'),
    finalizedAt: at('finalized_at'),
    paidAt: at('paid_at'),
    voidedAt: at('voided_at'),
    markedUncollectibleAt: at('marked_uncollectible_at'),
    /** Charge attempts so far, and when the dunning schedule tries next (null when none is due). */
    attemptCount: integer('attempt_count').notNull().default(0),
    firstFailedAt: at('first_failed_at'),
    nextPaymentAttemptAt: at('next_payment_attempt_at'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoices_number').on(t.tenantId, t.number),
    // A billing run that is retried cannot bill the same period twice.
    uniqueIndex('invoices_subscription_period')
      .on(t.subscriptionId, t.billingReason, t.periodStart)
      .where(sql`billing_reason IN ('SUBSCRIPTION_CREATE', 'SUBSCRIPTION_CYCLE')`),
    index('invoices_customer').on(t.customerId, t.createdAt),
    index('invoices_retry').on(t.tenantId, t.nextPaymentAttemptAt),
    check('invoices_totals_reconcile', sql`${t.totalMinor} = ${t.subtotalMinor} + ${t.taxMinor}`),
    check('invoices_amount_due', sql`${t.amountDueMinor} >= 0 AND ${t.amountPaidMinor} >= 0`),
  ],
);

export const invoiceLines = billing.table(
  'invoice_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    position: integer('position').notNull(),
    /** SUBSCRIPTION | PRORATION | USAGE | TAX */
    kind: text('kind').notNull(),
    description: text('description').notNull(),
    priceId: uuid('price_id'),
    subscriptionItemId: uuid('subscription_item_id'),
    quantity: bigint('quantity', { mode: 'number' }),
    unitAmountMinor: minor('unit_amount_minor'),
    amountMinor: minor('amount_minor').notNull(),
    periodStart: at('period_start'),
    periodEnd: at('period_end'),
  },
  (t) => [index('invoice_lines_invoice').on(t.invoiceId, t.position)],
);

/** Charges and credits waiting for the subscription's next invoice (prorations, carried-forward credit). */
export const pendingItems = billing.table(
  'pending_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    /** PRORATION | CREDIT */
    kind: text('kind').notNull(),
    description: text('description').notNull(),
    priceId: uuid('price_id'),
    quantity: integer('quantity'),
    amountMinor: minor('amount_minor').notNull(),
    currency: currency(),
    periodStart: at('period_start'),
    periodEnd: at('period_end'),
    /** The invoice that billed it; null while pending. */
    invoiceId: uuid('invoice_id').references(() => invoices.id),
    createdAt: createdAt(),
  },
  (t) => [index('pending_items_subscription').on(t.subscriptionId, t.invoiceId)],
);

/** Charge attempts at the payment provider and their outcomes. */
export const payments = billing.table(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    provider: text('provider').notNull(),
    /** The provider's id (a Stripe PaymentIntent id, `pi_…`). */
    providerPaymentId: text('provider_payment_id').notNull(),
    attempt: integer('attempt').notNull(),
    /** PENDING | SUCCEEDED | FAILED */
    status: text('status').notNull(),
    amountMinor: minor('amount_minor').notNull(),
    currency: currency(),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    createdAt: createdAt(),
    settledAt: at('settled_at'),
  },
  (t) => [uniqueIndex('payments_provider_id').on(t.tenantId, t.providerPaymentId), uniqueIndex('payments_attempt').on(t.invoiceId, t.attempt)],
);

/** Provider webhooks received, by event id: a replay is recognised and changes nothing. */
export const webhookEvents = billing.table(
  'webhook_events',
  {
    tenantId: tenantId(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    /** APPLIED | IGNORED | REJECTED */
    outcome: text('outcome').notNull(),
    detail: text('detail'),
    payload: jsonb('payload').notNull(),
    receivedAt: at('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.eventId] })],
);

/**
 * Idempotency keys of money-moving mutations. The fingerprint is a hash of the
 * operation and its input; `result` is what the first call returned.
 */
export const idempotencyKeys = billing.table(
  'idempotency_keys',
  {
    tenantId: tenantId(),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    fingerprint: text('fingerprint').notNull(),
    result: jsonb('result').notNull(),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index('idempotency_keys_expiry').on(t.expiresAt)],
);

/** What running the platform costs for a tenant: one row per cost incurred. */
export const platformCosts = billing.table(
  'platform_costs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** COMPUTE | STORAGE | BANDWIDTH | API | THIRD_PARTY | SUPPORT | OTHER */
    category: text('category').notNull(),
    description: text('description'),
    amountMinor: minor('amount_minor').notNull(),
    currency: currency(),
    incurredAt: at('incurred_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('platform_costs_time').on(t.tenantId, t.incurredAt), check('platform_costs_amount', sql`${t.amountMinor} >= 0`)],
);

/** A monthly budget for a tenant's platform costs, with the percentages that raise alerts. */
export const costBudgets = billing.table('cost_budgets', {
  tenantId: uuid('tenant_id').primaryKey(),
  monthlyAmountMinor: minor('monthly_amount_minor').notNull(),
  currency: currency(),
  thresholdsPct: integer('thresholds_pct').array().notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Raised once per (month, threshold) when spend crosses it. */
export const costAlerts = billing.table(
  'cost_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** First day of the month, UTC. */
    month: text('month').notNull(),
    thresholdPct: integer('threshold_pct').notNull(),
    spendMinor: minor('spend_minor').notNull(),
    budgetMinor: minor('budget_minor').notNull(),
    currency: currency(),
    raisedAt: at('raised_at').notNull(),
  },
  (t) => [uniqueIndex('cost_alerts_once').on(t.tenantId, t.month, t.thresholdPct)],
);

export const outbox = defineOutbox(billing);
export const eventCheckpoints = defineEventCheckpoints(billing);
