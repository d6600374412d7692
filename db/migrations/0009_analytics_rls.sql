-- Row-level security for the analytics schema (the platform's standard forced
-- policy, platform.isolate_by_tenant from 0001), grants for the application
-- role, the outbox trigger (0002), and the indexes of the event table that
-- drizzle-kit cannot express. docs/decisions.md §15 explains the layout.
GRANT USAGE ON SCHEMA analytics TO platform_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA analytics TO platform_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA analytics TO platform_app;
--> statement-breakpoint
SELECT platform.isolate_by_tenant(t::regclass) FROM unnest(ARRAY[
  'analytics.events', 'analytics.usage_dirty', 'analytics.settings', 'analytics.revenue_events',
  'analytics.experiments', 'analytics.dashboards', 'analytics.dashboard_widgets',
  'analytics.outbox', 'analytics.event_checkpoints'
]) AS t;
--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON analytics.outbox FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_outbox();
--> statement-breakpoint
-- Funnels, retention and per-event trends: one event name over a time range,
-- reading only the index (the user is included) once the visibility map is set.
CREATE INDEX events_name_time ON analytics.events (tenant_id, name, occurred_at) INCLUDE (distinct_id);
--> statement-breakpoint
-- Trends and active users over all events, and the range scans of strict funnels.
CREATE INDEX events_time ON analytics.events (tenant_id, occurred_at) INCLUDE (distinct_id);
--> statement-breakpoint
-- A customer's usage (the usage publisher) and customer cohorts (LTV).
CREATE INDEX events_customer_time ON analytics.events (tenant_id, customer_id, occurred_at) WHERE customer_id IS NOT NULL;
--> statement-breakpoint
-- Events arrive roughly in time order, so a BRIN index on time is a few pages
-- that prune whole block ranges for scans across tenants (expiry of old events).
CREATE INDEX events_occurred_brin ON analytics.events USING brin (occurred_at);
--> statement-breakpoint
CREATE UNIQUE INDEX settings_ingest_key_hash ON analytics.settings (ingest_key_hash) WHERE ingest_key_hash IS NOT NULL;
--> statement-breakpoint
CREATE INDEX revenue_events_customer ON analytics.revenue_events (tenant_id, customer_id, paid_at);
--> statement-breakpoint
CREATE INDEX dashboard_widgets_dashboard ON analytics.dashboard_widgets (dashboard_id, position);
--> statement-breakpoint
-- SDKs authenticate to the batch endpoint with a write-only ingestion key,
-- before any tenant is known: this function reveals only which tenant a key
-- hash belongs to. It runs as the migration owner, a narrow hole in RLS like
-- tenancy.invitation_tenant_id.
CREATE OR REPLACE FUNCTION analytics.tenant_for_ingest_key(p_key_hash text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, analytics AS $$
  SELECT tenant_id FROM analytics.settings WHERE ingest_key_hash = p_key_hash
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION analytics.tenant_for_ingest_key(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION analytics.tenant_for_ingest_key(text) TO platform_app;
--> statement-breakpoint
-- The usage publisher starts without a tenant: this reveals only which tenants
-- have customers whose usage changed; the publishing runs in each tenant's scope.
CREATE OR REPLACE FUNCTION analytics.tenants_with_dirty_usage() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, analytics AS $$
  SELECT DISTINCT tenant_id FROM analytics.usage_dirty
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION analytics.tenants_with_dirty_usage() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION analytics.tenants_with_dirty_usage() TO platform_app;
