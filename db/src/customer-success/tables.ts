/**
 * Tables of the customer-success subgraph, in the PostgreSQL schema
 * `customer_success`. Every table carries `tenant_id` and is under forced
 * row-level security (custom migration `*_customer_success_rls.sql`). Tenants
 * and users belong to tenancy: their uuids are stored here without foreign keys
 * across schemas. Enumerations are text columns validated by the services and
 * exposed as GraphQL enums. jsonb columns hold values of the subgraph's domain
 * module (factor breakdowns, model coefficients), typed where they are read.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { defineEventCheckpoints } from '../events/checkpoints.js';
import { defineOutbox } from '../outbox.js';

export const customerSuccess = pgSchema('customer_success');

const tenantId = () => uuid('tenant_id').notNull();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });
const customerRef = () =>
  uuid('customer_id')
    .notNull()
    .references(() => customers.id, { onDelete: 'cascade' });

/** A tenant's customer account, with its current health and churn figures denormalised for cheap listing. */
export const customers = customerSuccess.table(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    domain: text('domain'),
    /** SMB | MID_MARKET | ENTERPRISE */
    segment: text('segment').notNull(),
    /** ONBOARDING | ACTIVE | EXPANSION | RENEWAL | AT_RISK | CHURNED */
    lifecycleStage: text('lifecycle_stage').notNull().default('ONBOARDING'),
    ownerUserId: uuid('owner_user_id'),
    healthScoreId: uuid('health_score_id'),
    healthScore: integer('health_score'),
    healthBand: text('health_band'),
    healthTrend: text('health_trend'),
    healthComputedAt: at('health_computed_at'),
    churnRiskId: uuid('churn_risk_id'),
    churnProbability: doublePrecision('churn_probability'),
    churnLevel: text('churn_level'),
    churnMethod: text('churn_method'),
    /** When the lifecycle stage became CHURNED, and the churn features at that moment (training data). */
    churnedAt: at('churned_at'),
    churnedFeatures: jsonb('churned_features'),
    archivedAt: at('archived_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.tenantId, t.createdAt, t.id),
    index().on(t.tenantId, t.ownerUserId),
    index().on(t.tenantId, t.healthBand),
    index().on(t.tenantId, t.lifecycleStage),
    uniqueIndex('customers_tenant_domain_active_idx')
      .on(t.tenantId, sql`lower(${t.domain})`)
      .where(sql`${t.archivedAt} is null and ${t.domain} is not null`),
  ],
);

/** Per-tenant health configuration; absent row = platform defaults. */
export const healthSettings = customerSuccess.table('health_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  /** HealthWeights: percentage per factor, summing to 100. */
  weights: jsonb('weights').notNull(),
  autoTriggerPlaybookOnRed: boolean('auto_trigger_playbook_on_red').notNull().default(true),
  updatedByUserId: uuid('updated_by_user_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The latest usage.recorded@1 per customer (the usage factor's input). */
export const usageSnapshots = customerSuccess.table('usage_snapshots', {
  customerId: uuid('customer_id')
    .primaryKey()
    .references(() => customers.id, { onDelete: 'cascade' }),
  tenantId: tenantId(),
  periodStart: at('period_start').notNull(),
  periodEnd: at('period_end').notNull(),
  dailyActiveUsers: integer('daily_active_users').notNull(),
  weeklyActiveUsers: integer('weekly_active_users').notNull(),
  monthlyActiveUsers: integer('monthly_active_users').notNull(),
  licensedSeats: integer('licensed_seats'),
  eventCount: integer('event_count').notNull(),
  sessionCount: integer('session_count').notNull(),
  featuresUsed: text('features_used').array().notNull(),
  featuresAvailable: integer('features_available'),
  lastActivityAt: at('last_activity_at'),
  sourceEventId: uuid('source_event_id'),
  sourceOccurredAt: at('source_occurred_at').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const supportTickets = customerSuccess.table(
  'support_tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    customerId: customerRef(),
    subject: text('subject').notNull(),
    /** LOW | NORMAL | HIGH | URGENT */
    priority: text('priority').notNull(),
    /** OPEN | RESOLVED */
    status: text('status').notNull().default('OPEN'),
    openedAt: at('opened_at').notNull(),
    resolvedAt: at('resolved_at'),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.tenantId, t.customerId, t.openedAt)],
);

export const npsResponses = customerSuccess.table(
  'nps_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    customerId: customerRef(),
    score: integer('score').notNull(),
    comment: text('comment'),
    sentimentScore: doublePrecision('sentiment_score'),
    sentimentLabel: text('sentiment_label'),
    themes: text('themes').array().notNull().default(sql`'{}'::text[]`),
    respondent: text('respondent'),
    respondedAt: at('responded_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.tenantId, t.respondedAt), index().on(t.tenantId, t.customerId, t.respondedAt)],
);

/** Payment outcomes from billing events; one row per (invoice, kind, attempt) so redelivery counts once. */
export const paymentEvents = customerSuccess.table(
  'payment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    customerId: customerRef(),
    invoiceId: uuid('invoice_id').notNull(),
    /** FAILED | PAID */
    kind: text('kind').notNull(),
    /** Attempt number of a failure; 0 for a payment. */
    attempt: integer('attempt').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    occurredAt: at('occurred_at').notNull(),
    dueAt: at('due_at'),
    daysLate: integer('days_late'),
    failureCode: text('failure_code'),
    paymentId: text('payment_id'),
    sourceEventId: uuid('source_event_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.tenantId, t.invoiceId, t.kind, t.attempt), index().on(t.tenantId, t.customerId, t.occurredAt)],
);

/** History of health computations; the customer row holds the current one. */
export const healthScores = customerSuccess.table(
  'health_scores',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: breaks ties between computations of one instant. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    tenantId: tenantId(),
    customerId: customerRef(),
    score: integer('score').notNull(),
    band: text('band').notNull(),
    trend: text('trend').notNull(),
    previousScore: integer('previous_score'),
    previousBand: text('previous_band'),
    factors: jsonb('factors').notNull(),
    riskFactors: jsonb('risk_factors').notNull(),
    recommendations: jsonb('recommendations').notNull(),
    weights: jsonb('weights').notNull(),
    cause: text('cause').notNull(),
    computedAt: at('computed_at').notNull(),
  },
  (t) => [index().on(t.tenantId, t.customerId, t.computedAt, t.seq)],
);

/** The tenant's current churn model (null model = not enough history; rule-based estimates apply). */
export const churnModels = customerSuccess.table('churn_models', {
  tenantId: uuid('tenant_id').primaryKey(),
  model: jsonb('model'),
  samples: integer('samples').notNull(),
  churned: integer('churned').notNull(),
  retained: integer('retained').notNull(),
  trainedAt: at('trained_at').notNull(),
});

export const churnPredictions = customerSuccess.table(
  'churn_predictions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    customerId: customerRef(),
    probability: doublePrecision('probability').notNull(),
    level: text('level').notNull(),
    previousLevel: text('previous_level'),
    method: text('method').notNull(),
    contributions: jsonb('contributions').notNull(),
    features: jsonb('features').notNull(),
    predictedChurnDate: at('predicted_churn_date'),
    modelTrainedAt: at('model_trained_at'),
    computedAt: at('computed_at').notNull(),
  },
  (t) => [index().on(t.tenantId, t.customerId, t.computedAt, t.id)],
);

export const onboardingPlans = customerSuccess.table(
  'onboarding_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    customerId: customerRef(),
    startedAt: at('started_at').notNull(),
    completedAt: at('completed_at'),
    createdByUserId: uuid('created_by_user_id'),
  },
  (t) => [uniqueIndex().on(t.tenantId, t.customerId)],
);

export const onboardingMilestones = customerSuccess.table(
  'onboarding_milestones',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => onboardingPlans.id, { onDelete: 'cascade' }),
    customerId: customerRef(),
    /** KICKOFF | SETUP | TRAINING | ADOPTION | VALUE_REALISATION */
    stage: text('stage').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    /** PENDING | IN_PROGRESS | DONE */
    status: text('status').notNull().default('PENDING'),
    isValueMilestone: boolean('is_value_milestone').notNull().default(false),
    dueAt: at('due_at'),
    completedAt: at('completed_at'),
  },
  (t) => [index().on(t.tenantId, t.planId, t.position)],
);

export const onboardingTasks = customerSuccess.table(
  'onboarding_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => onboardingPlans.id, { onDelete: 'cascade' }),
    customerId: customerRef(),
    milestoneId: uuid('milestone_id').references(() => onboardingMilestones.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    assigneeUserId: uuid('assignee_user_id'),
    dueAt: at('due_at'),
    /** OPEN | DONE */
    status: text('status').notNull().default('OPEN'),
    completedAt: at('completed_at'),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.tenantId, t.planId), index().on(t.tenantId, t.assigneeUserId, t.status)],
);

export const onboardingBlockers = customerSuccess.table(
  'onboarding_blockers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => onboardingPlans.id, { onDelete: 'cascade' }),
    customerId: customerRef(),
    description: text('description').notNull(),
    /** OPEN | RESOLVED */
    status: text('status').notNull().default('OPEN'),
    resolution: text('resolution'),
    createdAt: createdAt(),
    resolvedAt: at('resolved_at'),
  },
  (t) => [index().on(t.tenantId, t.planId)],
);

/** The customer's timeline: every touchpoint, milestone and change, newest first when read. */
export const journeyEvents = customerSuccess.table(
  'journey_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: breaks ties between entries of one instant (one transaction). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    tenantId: tenantId(),
    customerId: customerRef(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    detail: jsonb('detail').notNull().default({}),
    occurredAt: at('occurred_at').notNull(),
  },
  (t) => [index().on(t.tenantId, t.customerId, t.occurredAt, t.seq)],
);

export const playbooks = customerSuccess.table(
  'playbooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** Template key for the built-in playbooks; null for custom ones. */
    templateKey: text('template_key'),
    /** ONBOARDING | RENEWAL | EXPANSION | CHURN_PREVENTION */
    category: text('category').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.tenantId, t.templateKey), index().on(t.tenantId, t.category)],
);

export const playbookSteps = customerSuccess.table(
  'playbook_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    playbookId: uuid('playbook_id')
      .notNull()
      .references(() => playbooks.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    dueInDays: integer('due_in_days').notNull(),
  },
  (t) => [uniqueIndex().on(t.playbookId, t.position)],
);

export const playbookRuns = customerSuccess.table(
  'playbook_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    playbookId: uuid('playbook_id')
      .notNull()
      .references(() => playbooks.id, { onDelete: 'cascade' }),
    customerId: customerRef(),
    /** MANUAL, or what started it automatically (e.g. HEALTH_ENTERED_RED). */
    trigger: text('trigger').notNull(),
    /** ACTIVE | COMPLETED | CANCELLED */
    status: text('status').notNull().default('ACTIVE'),
    /** SUCCESS | FAILURE once completed */
    outcome: text('outcome'),
    bandAtStart: text('band_at_start'),
    bandAtCompletion: text('band_at_completion'),
    startedByUserId: uuid('started_by_user_id'),
    startedAt: at('started_at').notNull(),
    completedAt: at('completed_at'),
    cancelledAt: at('cancelled_at'),
  },
  (t) => [
    index().on(t.tenantId, t.customerId, t.startedAt),
    index().on(t.tenantId, t.playbookId),
    uniqueIndex('playbook_runs_one_active_idx').on(t.customerId, t.playbookId).where(sql`${t.status} = 'ACTIVE'`),
  ],
);

export const playbookStepExecutions = customerSuccess.table(
  'playbook_step_executions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    runId: uuid('run_id')
      .notNull()
      .references(() => playbookRuns.id, { onDelete: 'cascade' }),
    stepId: uuid('step_id').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    dueAt: at('due_at'),
    /** PENDING | DONE */
    status: text('status').notNull().default('PENDING'),
    completedAt: at('completed_at'),
    completedByUserId: uuid('completed_by_user_id'),
  },
  (t) => [uniqueIndex().on(t.runId, t.position)],
);

/** Manual tasks a CSM keeps for themselves, optionally about a customer. */
export const csmTasks = customerSuccess.table(
  'csm_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    ownerUserId: uuid('owner_user_id').notNull(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    dueAt: at('due_at'),
    /** OPEN | DONE */
    status: text('status').notNull().default('OPEN'),
    completedAt: at('completed_at'),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.tenantId, t.ownerUserId, t.status)],
);

export const outbox = defineOutbox(customerSuccess);
export const eventCheckpoints = defineEventCheckpoints(customerSuccess);
