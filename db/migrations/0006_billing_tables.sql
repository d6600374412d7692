CREATE SCHEMA "billing";
--> statement-breakpoint
CREATE TABLE "billing"."cost_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"month" text NOT NULL,
	"threshold_pct" integer NOT NULL,
	"spend_minor" bigint NOT NULL,
	"budget_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."cost_budgets" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"monthly_amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"thresholds_pct" integer[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"archived_at" timestamp with time zone,
	"currency" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."event_checkpoints" (
	"tenant_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"source" text NOT NULL,
	"aggregate_key" text NOT NULL,
	"last_position" bigint NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_checkpoints_consumer_source_aggregate_key_pk" PRIMARY KEY("consumer","source","aggregate_key")
);
--> statement-breakpoint
CREATE TABLE "billing"."idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"fingerprint" text NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
CREATE TABLE "billing"."invoice_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"price_id" uuid,
	"subscription_item_id" uuid,
	"quantity" bigint,
	"unit_amount_minor" bigint,
	"amount_minor" bigint NOT NULL,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "billing"."invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"subscription_id" uuid,
	"number" text,
	"status" text NOT NULL,
	"billing_reason" text NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"subtotal_minor" bigint NOT NULL,
	"tax_rate_bps" integer NOT NULL,
	"tax_minor" bigint NOT NULL,
	"total_minor" bigint NOT NULL,
	"amount_paid_minor" bigint DEFAULT 0 NOT NULL,
	"amount_due_minor" bigint NOT NULL,
	"due_at" timestamp with time zone,
	"finalized_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"marked_uncollectible_at" timestamp with time zone,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"first_failed_at" timestamp with time zone,
	"next_payment_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_totals_reconcile" CHECK ("billing"."invoices"."total_minor" = "billing"."invoices"."subtotal_minor" + "billing"."invoices"."tax_minor"),
	CONSTRAINT "invoices_amount_due" CHECK ("billing"."invoices"."amount_due_minor" >= 0 AND "billing"."invoices"."amount_paid_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "billing"."meters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"event_name" text NOT NULL,
	"display_name" text NOT NULL,
	"aggregation" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."outbox" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"aggregate_type" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "billing"."payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"provider_payment_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"failure_code" text,
	"failure_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "billing"."pending_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"price_id" uuid,
	"quantity" integer,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"invoice_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."platform_costs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"category" text NOT NULL,
	"description" text,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"incurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_costs_amount" CHECK ("billing"."platform_costs"."amount_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "billing"."prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"nickname" text,
	"currency" text NOT NULL,
	"model" text NOT NULL,
	"unit_amount_minor" bigint,
	"tiers" jsonb,
	"meter_id" uuid,
	"interval" text NOT NULL,
	"interval_count" integer DEFAULT 1 NOT NULL,
	"trial_days" integer,
	"active" boolean DEFAULT true NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prices_unit_amount_non_negative" CHECK ("billing"."prices"."unit_amount_minor" IS NULL OR "billing"."prices"."unit_amount_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "billing"."settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"business_name" text,
	"default_currency" text DEFAULT 'USD' NOT NULL,
	"tax_rate_bps" integer DEFAULT 0 NOT NULL,
	"tax_label" text DEFAULT 'Tax' NOT NULL,
	"payment_terms_days" integer DEFAULT 0 NOT NULL,
	"dunning_retry_days" integer[] DEFAULT '{3,5,7}'::integer[] NOT NULL,
	"dunning_final_action" text DEFAULT 'MARK_UNPAID' NOT NULL,
	"auto_finalize" boolean DEFAULT true NOT NULL,
	"invoice_prefix" text DEFAULT 'INV' NOT NULL,
	"next_invoice_number" integer DEFAULT 1 NOT NULL,
	"webhook_secret" text,
	"previous_webhook_secret" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."subscription_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"reason" text NOT NULL,
	"currency" text NOT NULL,
	"mrr_before_minor" bigint NOT NULL,
	"mrr_after_minor" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "billing"."subscription_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"price_id" uuid NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "subscription_items_quantity" CHECK ("billing"."subscription_items"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "billing"."subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"billing_cycle_anchor" timestamp with time zone NOT NULL,
	"interval" text NOT NULL,
	"interval_count" integer NOT NULL,
	"current_period_start" timestamp with time zone NOT NULL,
	"current_period_end" timestamp with time zone NOT NULL,
	"trial_start" timestamp with time zone,
	"trial_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"canceled_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"mrr_minor" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing"."usage_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meter_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"identifier" text NOT NULL,
	"quantity" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_events_quantity" CHECK ("billing"."usage_events"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "billing"."webhook_events" (
	"tenant_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" text,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_events_tenant_id_event_id_pk" PRIMARY KEY("tenant_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "billing"."invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "billing"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "billing"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "billing"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."payments" ADD CONSTRAINT "payments_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "billing"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."pending_items" ADD CONSTRAINT "pending_items_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "billing"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."pending_items" ADD CONSTRAINT "pending_items_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "billing"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."prices" ADD CONSTRAINT "prices_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "billing"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."prices" ADD CONSTRAINT "prices_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "billing"."meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."subscription_changes" ADD CONSTRAINT "subscription_changes_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "billing"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."subscription_items" ADD CONSTRAINT "subscription_items_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "billing"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."subscription_items" ADD CONSTRAINT "subscription_items_price_id_prices_id_fk" FOREIGN KEY ("price_id") REFERENCES "billing"."prices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing"."subscriptions" ADD CONSTRAINT "subscriptions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "billing"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cost_alerts_once" ON "billing"."cost_alerts" USING btree ("tenant_id","month","threshold_pct");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expiry" ON "billing"."idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "invoice_lines_invoice" ON "billing"."invoice_lines" USING btree ("invoice_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number" ON "billing"."invoices" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_subscription_period" ON "billing"."invoices" USING btree ("subscription_id","billing_reason","period_start") WHERE billing_reason IN ('SUBSCRIPTION_CREATE', 'SUBSCRIPTION_CYCLE');--> statement-breakpoint
CREATE INDEX "invoices_customer" ON "billing"."invoices" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "invoices_retry" ON "billing"."invoices" USING btree ("tenant_id","next_payment_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "meters_event_name" ON "billing"."meters" USING btree ("tenant_id","event_name");--> statement-breakpoint
CREATE INDEX "outbox_published_at_position_index" ON "billing"."outbox" USING btree ("published_at","position");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_type_aggregate_id_position_index" ON "billing"."outbox" USING btree ("aggregate_type","aggregate_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_provider_id" ON "billing"."payments" USING btree ("tenant_id","provider_payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_attempt" ON "billing"."payments" USING btree ("invoice_id","attempt");--> statement-breakpoint
CREATE INDEX "pending_items_subscription" ON "billing"."pending_items" USING btree ("subscription_id","invoice_id");--> statement-breakpoint
CREATE INDEX "platform_costs_time" ON "billing"."platform_costs" USING btree ("tenant_id","incurred_at");--> statement-breakpoint
CREATE INDEX "prices_plan" ON "billing"."prices" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "subscription_changes_tenant_time" ON "billing"."subscription_changes" USING btree ("tenant_id","currency","occurred_at");--> statement-breakpoint
CREATE INDEX "subscription_changes_subscription" ON "billing"."subscription_changes" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "subscription_items_subscription" ON "billing"."subscription_items" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "subscriptions_customer" ON "billing"."subscriptions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "subscriptions_due" ON "billing"."subscriptions" USING btree ("tenant_id","status","current_period_end");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_events_identifier" ON "billing"."usage_events" USING btree ("tenant_id","meter_id","identifier");--> statement-breakpoint
CREATE INDEX "usage_events_period" ON "billing"."usage_events" USING btree ("customer_id","meter_id","occurred_at");