CREATE SCHEMA "customer_success";
--> statement-breakpoint
CREATE TABLE "customer_success"."churn_models" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"model" jsonb,
	"samples" integer NOT NULL,
	"churned" integer NOT NULL,
	"retained" integer NOT NULL,
	"trained_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."churn_predictions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"probability" double precision NOT NULL,
	"level" text NOT NULL,
	"previous_level" text,
	"method" text NOT NULL,
	"contributions" jsonb NOT NULL,
	"features" jsonb NOT NULL,
	"predicted_churn_date" timestamp with time zone,
	"model_trained_at" timestamp with time zone,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."csm_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"customer_id" uuid,
	"title" text NOT NULL,
	"due_at" timestamp with time zone,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"completed_at" timestamp with time zone,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"domain" text,
	"segment" text NOT NULL,
	"lifecycle_stage" text DEFAULT 'ONBOARDING' NOT NULL,
	"owner_user_id" uuid,
	"health_score_id" uuid,
	"health_score" integer,
	"health_band" text,
	"health_trend" text,
	"health_computed_at" timestamp with time zone,
	"churn_risk_id" uuid,
	"churn_probability" double precision,
	"churn_level" text,
	"churn_method" text,
	"churned_at" timestamp with time zone,
	"churned_features" jsonb,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."event_checkpoints" (
	"tenant_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"source" text NOT NULL,
	"aggregate_key" text NOT NULL,
	"last_position" bigint NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_checkpoints_consumer_source_aggregate_key_pk" PRIMARY KEY("consumer","source","aggregate_key")
);
--> statement-breakpoint
CREATE TABLE "customer_success"."health_scores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"band" text NOT NULL,
	"trend" text NOT NULL,
	"previous_score" integer,
	"previous_band" text,
	"factors" jsonb NOT NULL,
	"risk_factors" jsonb NOT NULL,
	"recommendations" jsonb NOT NULL,
	"weights" jsonb NOT NULL,
	"cause" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."health_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"weights" jsonb NOT NULL,
	"auto_trigger_playbook_on_red" boolean DEFAULT true NOT NULL,
	"updated_by_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."journey_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."nps_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"comment" text,
	"sentiment_score" double precision,
	"sentiment_label" text,
	"themes" text[] DEFAULT '{}'::text[] NOT NULL,
	"respondent" text,
	"responded_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."onboarding_blockers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"description" text NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"resolution" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "customer_success"."onboarding_milestones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"is_value_milestone" boolean DEFAULT false NOT NULL,
	"due_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "customer_success"."onboarding_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"created_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "customer_success"."onboarding_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"milestone_id" uuid,
	"title" text NOT NULL,
	"assignee_user_id" uuid,
	"due_at" timestamp with time zone,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."outbox" (
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
CREATE TABLE "customer_success"."payment_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"attempt" integer NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone,
	"days_late" integer,
	"failure_code" text,
	"payment_id" text,
	"source_event_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."playbook_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"playbook_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"outcome" text,
	"band_at_start" text,
	"band_at_completion" text,
	"started_by_user_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "customer_success"."playbook_step_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"step_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"due_at" timestamp with time zone,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"completed_at" timestamp with time zone,
	"completed_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "customer_success"."playbook_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"playbook_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"due_in_days" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."playbooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"template_key" text,
	"category" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."support_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"priority" text NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_success"."usage_snapshots" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"daily_active_users" integer NOT NULL,
	"weekly_active_users" integer NOT NULL,
	"monthly_active_users" integer NOT NULL,
	"licensed_seats" integer,
	"event_count" integer NOT NULL,
	"session_count" integer NOT NULL,
	"features_used" text[] NOT NULL,
	"features_available" integer,
	"last_activity_at" timestamp with time zone,
	"source_event_id" uuid,
	"source_occurred_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_success"."churn_predictions" ADD CONSTRAINT "churn_predictions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."csm_tasks" ADD CONSTRAINT "csm_tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."health_scores" ADD CONSTRAINT "health_scores_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."journey_events" ADD CONSTRAINT "journey_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."nps_responses" ADD CONSTRAINT "nps_responses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_blockers" ADD CONSTRAINT "onboarding_blockers_plan_id_onboarding_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "customer_success"."onboarding_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_blockers" ADD CONSTRAINT "onboarding_blockers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_milestones" ADD CONSTRAINT "onboarding_milestones_plan_id_onboarding_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "customer_success"."onboarding_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_milestones" ADD CONSTRAINT "onboarding_milestones_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_plans" ADD CONSTRAINT "onboarding_plans_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_tasks" ADD CONSTRAINT "onboarding_tasks_plan_id_onboarding_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "customer_success"."onboarding_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_tasks" ADD CONSTRAINT "onboarding_tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."onboarding_tasks" ADD CONSTRAINT "onboarding_tasks_milestone_id_onboarding_milestones_id_fk" FOREIGN KEY ("milestone_id") REFERENCES "customer_success"."onboarding_milestones"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."payment_events" ADD CONSTRAINT "payment_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."playbook_runs" ADD CONSTRAINT "playbook_runs_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "customer_success"."playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."playbook_runs" ADD CONSTRAINT "playbook_runs_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."playbook_step_executions" ADD CONSTRAINT "playbook_step_executions_run_id_playbook_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "customer_success"."playbook_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."playbook_steps" ADD CONSTRAINT "playbook_steps_playbook_id_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "customer_success"."playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."support_tickets" ADD CONSTRAINT "support_tickets_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_success"."usage_snapshots" ADD CONSTRAINT "usage_snapshots_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer_success"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "churn_predictions_tenant_id_customer_id_computed_at_id_index" ON "customer_success"."churn_predictions" USING btree ("tenant_id","customer_id","computed_at","id");--> statement-breakpoint
CREATE INDEX "csm_tasks_tenant_id_owner_user_id_status_index" ON "customer_success"."csm_tasks" USING btree ("tenant_id","owner_user_id","status");--> statement-breakpoint
CREATE INDEX "customers_tenant_id_created_at_id_index" ON "customer_success"."customers" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_tenant_id_owner_user_id_index" ON "customer_success"."customers" USING btree ("tenant_id","owner_user_id");--> statement-breakpoint
CREATE INDEX "customers_tenant_id_health_band_index" ON "customer_success"."customers" USING btree ("tenant_id","health_band");--> statement-breakpoint
CREATE INDEX "customers_tenant_id_lifecycle_stage_index" ON "customer_success"."customers" USING btree ("tenant_id","lifecycle_stage");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_tenant_domain_active_idx" ON "customer_success"."customers" USING btree ("tenant_id",lower("domain")) WHERE "customer_success"."customers"."archived_at" is null and "customer_success"."customers"."domain" is not null;--> statement-breakpoint
CREATE INDEX "health_scores_tenant_id_customer_id_computed_at_seq_index" ON "customer_success"."health_scores" USING btree ("tenant_id","customer_id","computed_at","seq");--> statement-breakpoint
CREATE INDEX "journey_events_tenant_id_customer_id_occurred_at_seq_index" ON "customer_success"."journey_events" USING btree ("tenant_id","customer_id","occurred_at","seq");--> statement-breakpoint
CREATE INDEX "nps_responses_tenant_id_responded_at_index" ON "customer_success"."nps_responses" USING btree ("tenant_id","responded_at");--> statement-breakpoint
CREATE INDEX "nps_responses_tenant_id_customer_id_responded_at_index" ON "customer_success"."nps_responses" USING btree ("tenant_id","customer_id","responded_at");--> statement-breakpoint
CREATE INDEX "onboarding_blockers_tenant_id_plan_id_index" ON "customer_success"."onboarding_blockers" USING btree ("tenant_id","plan_id");--> statement-breakpoint
CREATE INDEX "onboarding_milestones_tenant_id_plan_id_position_index" ON "customer_success"."onboarding_milestones" USING btree ("tenant_id","plan_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "onboarding_plans_tenant_id_customer_id_index" ON "customer_success"."onboarding_plans" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "onboarding_tasks_tenant_id_plan_id_index" ON "customer_success"."onboarding_tasks" USING btree ("tenant_id","plan_id");--> statement-breakpoint
CREATE INDEX "onboarding_tasks_tenant_id_assignee_user_id_status_index" ON "customer_success"."onboarding_tasks" USING btree ("tenant_id","assignee_user_id","status");--> statement-breakpoint
CREATE INDEX "outbox_published_at_position_index" ON "customer_success"."outbox" USING btree ("published_at","position");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_type_aggregate_id_position_index" ON "customer_success"."outbox" USING btree ("aggregate_type","aggregate_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_events_tenant_id_invoice_id_kind_attempt_index" ON "customer_success"."payment_events" USING btree ("tenant_id","invoice_id","kind","attempt");--> statement-breakpoint
CREATE INDEX "payment_events_tenant_id_customer_id_occurred_at_index" ON "customer_success"."payment_events" USING btree ("tenant_id","customer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "playbook_runs_tenant_id_customer_id_started_at_index" ON "customer_success"."playbook_runs" USING btree ("tenant_id","customer_id","started_at");--> statement-breakpoint
CREATE INDEX "playbook_runs_tenant_id_playbook_id_index" ON "customer_success"."playbook_runs" USING btree ("tenant_id","playbook_id");--> statement-breakpoint
CREATE UNIQUE INDEX "playbook_runs_one_active_idx" ON "customer_success"."playbook_runs" USING btree ("customer_id","playbook_id") WHERE "customer_success"."playbook_runs"."status" = 'ACTIVE';--> statement-breakpoint
CREATE UNIQUE INDEX "playbook_step_executions_run_id_position_index" ON "customer_success"."playbook_step_executions" USING btree ("run_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "playbook_steps_playbook_id_position_index" ON "customer_success"."playbook_steps" USING btree ("playbook_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "playbooks_tenant_id_template_key_index" ON "customer_success"."playbooks" USING btree ("tenant_id","template_key");--> statement-breakpoint
CREATE INDEX "playbooks_tenant_id_category_index" ON "customer_success"."playbooks" USING btree ("tenant_id","category");--> statement-breakpoint
CREATE INDEX "support_tickets_tenant_id_customer_id_opened_at_index" ON "customer_success"."support_tickets" USING btree ("tenant_id","customer_id","opened_at");