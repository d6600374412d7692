/**
 * Tables of the analytics subgraph, in the PostgreSQL schema `analytics`.
 * Every table carries `tenant_id` and is under forced row-level security
 * (custom migration `*_analytics_rls.sql`, which also creates the indexes
 * drizzle-kit cannot express: covering `INCLUDE` b-trees and the BRIN index on
 * event time; docs/decisions.md §15 explains the layout).
 *
 * Revenue arrives as `invoice.paid@1` events from billing (`revenue_events`);
 * analytics never reads billing's tables.
 */
import { bigint, integer, jsonb, numeric, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { defineEventCheckpoints } from '../events/checkpoints.js';
import { defineOutbox } from '../outbox.js';

export const analytics = pgSchema('analytics');

const tenantId = () => uuid('tenant_id').notNull();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Tracked product events, append-only. The primary key makes ingestion
 * idempotent by the event's id; the query shapes are served by the indexes in
 * the RLS migration.
 */
export const events = analytics.table(
  'events',
  {
    tenantId: tenantId(),
    /** The sender's id of the event (a UUID); a second event with the same id is a duplicate and is ignored. */
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    /** Who did it: the product's user id (PostHog's distinct id). */
    distinctId: text('distinct_id').notNull(),
    /** The customer-success customer (account) the user belongs to, when known. */
    customerId: uuid('customer_id'),
    sessionId: text('session_id'),
    occurredAt: at('occurred_at').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [primaryKey({ name: 'events_pkey', columns: [t.tenantId, t.id] })],
);

/** Customers whose usage changed since their last `usage.recorded@1`: the usage publisher's work list. */
export const usageDirty = analytics.table(
  'usage_dirty',
  {
    tenantId: tenantId(),
    customerId: uuid('customer_id').notNull(),
    markedAt: at('marked_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'usage_dirty_pkey', columns: [t.tenantId, t.customerId] })],
);

/** Per-tenant analytics configuration; one row, created with defaults on first use. */
export const settings = analytics.table('settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  /** SHA-256 of the write-only ingestion key SDKs send to the batch endpoint; the key itself is shown once. */
  ingestKeyHash: text('ingest_key_hash'),
  /** The key's first characters, to tell keys apart in the UI. */
  ingestKeyPrefix: text('ingest_key_prefix'),
  ingestKeyCreatedAt: at('ingest_key_created_at'),
  /** The event name counted as an API call by the KPIs. */
  apiCallEvent: text('api_call_event').notNull().default('api_call'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Paid invoices as billing announces them (`invoice.paid@1`): the revenue side of KPIs and LTV. */
export const revenueEvents = analytics.table('revenue_events', {
  invoiceId: uuid('invoice_id').primaryKey(),
  tenantId: tenantId(),
  customerId: uuid('customer_id').notNull(),
  amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  paidAt: at('paid_at').notNull(),
  sourceEventId: uuid('source_event_id').notNull(),
});

/** An A/B experiment: users are assigned to variants by hashing their id, so no assignment is stored. */
export const experiments = analytics.table(
  'experiments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** Stable key, part of the assignment hash: renaming it would reshuffle users. */
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    /** Users enter the experiment when they first do this event while it runs. */
    exposureEvent: text('exposure_event').notNull(),
    /** A user converts when they do this event after their first exposure. */
    conversionEvent: text('conversion_event').notNull(),
    /** [{ key, weight }] with integer percentage weights summing to 100; the first is the control. */
    variants: jsonb('variants').$type<{ key: string; weight: number }[]>().notNull(),
    /** The smallest relative lift worth detecting (0.1 = 10 %), for the sample-size requirement. */
    minimumDetectableEffect: numeric('minimum_detectable_effect', { mode: 'number' }).notNull().default(0.1),
    /** DRAFT | RUNNING | STOPPED */
    status: text('status').notNull().default('DRAFT'),
    startedAt: at('started_at'),
    stoppedAt: at('stopped_at'),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('experiments_key').on(t.tenantId, t.key)],
);

/** A saved dashboard. */
export const dashboards = analytics.table('dashboards', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  description: text('description'),
  createdByAccountId: uuid('created_by_account_id'),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** A widget: one saved query (its kind and validated input) shown on a dashboard. */
export const dashboardWidgets = analytics.table('dashboard_widgets', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  dashboardId: uuid('dashboard_id')
    .notNull()
    .references(() => dashboards.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  /** TREND | FUNNEL | RETENTION | ATTRIBUTION | EXPERIMENT | ANOMALIES | KPIS */
  kind: text('kind').notNull(),
  /** The query's input, as the matching GraphQL query takes it. */
  query: jsonb('query').$type<Record<string, unknown>>().notNull(),
  /** When set, the query's range is the last N days, recomputed at every run. */
  rangeDays: integer('range_days'),
  position: integer('position').notNull(),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const outbox = defineOutbox(analytics);
export const eventCheckpoints = defineEventCheckpoints(analytics);
