CREATE SCHEMA "analytics";
--> statement-breakpoint
CREATE TABLE "analytics"."dashboard_widgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"dashboard_id" uuid NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"query" jsonb NOT NULL,
	"range_days" integer,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."dashboards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_by_account_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."event_checkpoints" (
	"tenant_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"source" text NOT NULL,
	"aggregate_key" text NOT NULL,
	"last_position" bigint NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_checkpoints_consumer_source_aggregate_key_pk" PRIMARY KEY("consumer","source","aggregate_key")
);
--> statement-breakpoint
CREATE TABLE "analytics"."events" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"distinct_id" text NOT NULL,
	"customer_id" uuid,
	"session_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "events_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "analytics"."experiments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"exposure_event" text NOT NULL,
	"conversion_event" text NOT NULL,
	"variants" jsonb NOT NULL,
	"minimum_detectable_effect" numeric DEFAULT 0.1 NOT NULL,
	"status" text DEFAULT 'DRAFT' NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."outbox" (
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
CREATE TABLE "analytics"."revenue_events" (
	"invoice_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"source_event_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"ingest_key_hash" text,
	"ingest_key_prefix" text,
	"ingest_key_created_at" timestamp with time zone,
	"api_call_event" text DEFAULT 'api_call' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."usage_dirty" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_dirty_pkey" PRIMARY KEY("tenant_id","customer_id")
);
--> statement-breakpoint
ALTER TABLE "analytics"."dashboard_widgets" ADD CONSTRAINT "dashboard_widgets_dashboard_id_dashboards_id_fk" FOREIGN KEY ("dashboard_id") REFERENCES "analytics"."dashboards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "experiments_key" ON "analytics"."experiments" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE INDEX "outbox_published_at_position_index" ON "analytics"."outbox" USING btree ("published_at","position");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_type_aggregate_id_position_index" ON "analytics"."outbox" USING btree ("aggregate_type","aggregate_id","position");